"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/form-state";
import {
  type VerifyFormState,
  createProviderJwsKeyAction,
  endorseJwsKeyAction,
  rejectJwsKeyAction,
  retireJwsKeyAction,
  retireProviderJwsKeyAction,
  uploadJwsKeyAction,
  verifyJwsAction,
} from "@/lib/actions/jws";
import { Field, FormMessage, SelectField, SubmitButton } from "@/components/ui/form";
import { TextAreaField } from "@/components/ui/textarea";

const initial: FormState = { ok: false };
const ALGS = [
  { value: "", label: "Default (RS256 for RSA, ES256 for P-256)" },
  { value: "RS256", label: "RS256" },
  { value: "PS256", label: "PS256" },
  { value: "ES256", label: "ES256" },
];

export function UploadJwsKeyForm({ environment }: { environment: string }) {
  const [state, action, pending] = useActionState(uploadJwsKeyAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Upload a JWS public key">
      <input type="hidden" name="environment" value={environment} />
      <TextAreaField label="JWS public key (PEM public key, JWK, or PEM certificate)" name="key" rows={8} error={state.fields?.key} className="font-mono" />
      <SelectField label="Algorithm" name="alg" options={ALGS} defaultValue={state.values?.alg} error={state.fields?.alg} />
      <SubmitButton pending={pending}>Upload JWS key</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function RetireJwsKeyForm({ id, provider = false }: { id: string; provider?: boolean }) {
  const [state, action, pending] = useActionState(provider ? retireProviderJwsKeyAction : retireJwsKeyAction, initial);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2" aria-label={`Retire key ${id}`}>
      <input type="hidden" name="id" value={id} />
      <Field label="Retire at (ISO 8601 or now)" name="retireAt" placeholder="2027-01-31T00:00:00Z" error={state.fields?.retireAt} />
      <SubmitButton pending={pending}>Set retire date</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function JwsKeyDecision({ id }: { id: string }) {
  const [endorsed, endorse, endorsing] = useActionState(endorseJwsKeyAction, initial);
  const [rejected, reject, rejecting] = useActionState(rejectJwsKeyAction, initial);
  return (
    <div className="grid gap-3 md:grid-cols-2" data-testid={`jws-decision-${id}`}>
      <form action={endorse} className="grid gap-2">
        <input type="hidden" name="id" value={id} />
        <Field label="Comment (optional)" name="comment" />
        <SubmitButton pending={endorsing}>Endorse key</SubmitButton>
        <FormMessage state={endorsed} />
      </form>
      <form action={reject} className="grid gap-2">
        <input type="hidden" name="id" value={id} />
        <Field label="Reason (the partner sees it)" name="reason" error={rejected.fields?.reason} />
        <SubmitButton pending={rejecting}>Reject key</SubmitButton>
        <FormMessage state={rejected} />
      </form>
    </div>
  );
}

/** The signature check tool: a pasted request (HTTP/1.1 text with FSPIOP-Signature) or a compact JWS. */
export function VerifyJwsForm({ environment, askOrganisation }: { environment: string; askOrganisation: boolean }) {
  const [state, action, pending] = useActionState<VerifyFormState, FormData>(verifyJwsAction, { ok: false });
  return (
    <form action={action} className="grid gap-3" aria-label="Check a signature">
      <input type="hidden" name="environment" value={environment} />
      {askOrganisation ? <Field label="Partner (organisation code)" name="organisation" defaultValue={state.values?.organisation} error={state.fields?.organisation} /> : null}
      <TextAreaField
        label="Request: request line, headers (with FSPIOP-Signature), empty line, body"
        name="request"
        rows={10}
        className="font-mono"
        placeholder={"POST /transfers HTTP/1.1\nDate: …\nFSPIOP-Source: …\nFSPIOP-Signature: {\"signature\":\"…\",\"protectedHeader\":\"…\"}\n\n{…}"}
        defaultValue={state.values?.request}
        error={state.fields?.request ?? state.fields?.headers}
      />
      <TextAreaField label="Or a compact JWS (header.payload.signature; payload may be detached)" name="jws" rows={3} className="font-mono" defaultValue={state.values?.jws} error={state.fields?.jws} />
      <TextAreaField label="Body for a detached JWS (optional)" name="body" rows={3} className="font-mono" defaultValue={state.values?.body} error={state.fields?.body} />
      <SubmitButton pending={pending}>Check signature</SubmitButton>
      <FormMessage state={state} />
      {state.result ? (
        <ul className="grid gap-1 text-sm" aria-label="Signature checks" data-testid="jws-checks">
          {state.result.checks.map((c) => (
            <li key={c.code} className={c.result === "fail" ? "text-red-700" : c.result === "pass" ? "text-green-700" : "text-slate-600"}>
              {c.result}: {c.code} — {c.message}
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}

export function ProviderJwsKeyForm({ environment }: { environment: string }) {
  const [state, action, pending] = useActionState(createProviderJwsKeyAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Add a provider JWS key">
      <input type="hidden" name="environment" value={environment} />
      <SelectField label="Algorithm" name="alg" options={ALGS} defaultValue={state.values?.alg} error={state.fields?.alg} />
      <TextAreaField label="Public key to upload (leave empty to let Keyport generate and seal the key pair)" name="key" rows={6} className="font-mono" error={state.fields?.key} />
      <SubmitButton pending={pending}>Add provider key</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
