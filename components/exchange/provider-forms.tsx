"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/form-state";
import {
  cancelProviderCsrAction,
  createProviderCsrAction,
  initProviderClientCaAction,
  issueProviderCertificateAction,
  setProviderServerChainAction,
  uploadSignedCertificateAction,
} from "@/lib/actions/exchange";
import { Field, FormMessage, SelectField, SubmitButton } from "@/components/ui/form";
import { TextAreaField } from "@/components/ui/textarea";

const initial: FormState = { ok: false };

/** Admins: a provider CSR for one partner's CA to sign — Keyport makes the key (CN), or the gateway did (CSR). */
/** organisations null: too many to list (organisationChoices); the field takes an organisation code. */
export function CreateProviderCsrForm({ environment, organisations }: { environment: string; organisations: { code: string; legalName: string }[] | null }) {
  const [state, action, pending] = useActionState(createProviderCsrAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Create a provider CSR">
      <input type="hidden" name="environment" value={environment} />
      {organisations ? (
        <SelectField label="Partner organisation" name="organisation" options={organisations.map((o) => ({ value: o.code, label: `${o.code} — ${o.legalName}` }))} defaultValue={state.values?.organisation} error={state.fields?.organisation} />
      ) : (
        <Field label="Partner organisation (code)" name="organisation" defaultValue={state.values?.organisation} error={state.fields?.organisation} />
      )}
      <Field label="CN (Keyport generates and seals the key)" name="commonName" placeholder="provider-egress" error={state.fields?.commonName} defaultValue={state.values?.commonName} />
      <TextAreaField label="…or a CSR made on the gateway (PEM; the key stays there)" name="csr" rows={5} error={state.fields?.csr} defaultValue={state.values?.csr} className="font-mono" />
      <SubmitButton pending={pending}>Create CSR</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function CancelProviderCsrButton({ id }: { id: string }) {
  const [state, action, pending] = useActionState(cancelProviderCsrAction, initial);
  return (
    <form action={action} className="inline-grid gap-1">
      <input type="hidden" name="id" value={id} />
      <SubmitButton pending={pending}>Cancel</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** Partners: the certificate their CA issued for the provider's CSR. */
export function UploadSignedCertificateForm({ id }: { id: string }) {
  const [state, action, pending] = useActionState(uploadSignedCertificateAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Upload the signed certificate">
      <input type="hidden" name="id" value={id} />
      <TextAreaField label="Certificate your CA issued for this CSR (PEM)" name="certificate" rows={6} error={state.fields?.certificate} defaultValue={state.values?.certificate} className="font-mono" />
      <SubmitButton pending={pending}>Upload and check</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function InitProviderClientCaForm({ environment }: { environment: string }) {
  const [state, action, pending] = useActionState(initProviderClientCaAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Create the provider client CA">
      <input type="hidden" name="environment" value={environment} />
      <SelectField
        label="Key"
        name="keyType"
        options={["ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "rsa-4096"].map((k) => ({ value: k, label: k }))}
        defaultValue={state.values?.keyType}
        error={state.fields?.keyType}
      />
      <SubmitButton pending={pending}>Create provider client CA</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function SetProviderServerChainForm({ environment }: { environment: string }) {
  const [state, action, pending] = useActionState(setProviderServerChainAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Publish the provider server chain">
      <input type="hidden" name="environment" value={environment} />
      <TextAreaField label="Provider endpoint's server certificate (PEM)" name="server" rows={5} error={state.fields?.server} defaultValue={state.values?.server} className="font-mono" />
      <TextAreaField label="Its CA chain (PEM: intermediates and root)" name="chain" rows={6} error={state.fields?.chain} defaultValue={state.values?.chain} className="font-mono" />
      <SubmitButton pending={pending}>Check and publish</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** Admins and officers: one of the provider's outbound client certificates (dual control where the environment needs it). */
export function IssueProviderCertificateForm({ environment }: { environment: string }) {
  const [state, action, pending] = useActionState(issueProviderCertificateAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Issue a provider client certificate">
      <input type="hidden" name="environment" value={environment} />
      <TextAreaField label="CSR made on the egress gateway (PEM; the key stays there)" name="csr" rows={5} error={state.fields?.csr} defaultValue={state.values?.csr} className="font-mono" />
      <Field label="…or a CN (Keyport generates and seals the key)" name="commonName" placeholder="provider-egress" error={state.fields?.commonName} defaultValue={state.values?.commonName} />
      <SubmitButton pending={pending}>Issue</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
