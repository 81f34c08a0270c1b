"use client";

import { type FormEvent, startTransition, useActionState, useMemo, useState } from "react";
import { type PartnerFormState, submitCertificateRequestAction } from "@/lib/actions/partner";
import type { Check } from "@/lib/policy/checks";
import { type Profile, profileAppliesTo } from "@/lib/policy/profile";
import { base64Encode } from "@/lib/pki/pem";
import { MAX_CSR_INPUT_BYTES, findings } from "@/lib/pki/csr/findings";
import { Notice } from "@/components/ui/details";
import { CheckList } from "./check-list";
import { CsrInputField } from "./csr-input";
import { OpensslCommands } from "./openssl-commands";
import { BrowserKeygen } from "./browser-keygen";
import { type CsrInput, type LiveResult, isEmptyInput, useLiveChecks } from "./use-live-checks";

type Env = { code: string; name: string; production: boolean; approvalsRequired: number };
type Mode = "paste" | "generate";

const initial: PartnerFormState = { ok: false };
const EMPTY: CsrInput = { kind: "text", text: "" };

function LiveChecks({ live, label = "Live checks", reuse }: { live: LiveResult; label?: string; reuse?: Check | null }) {
  if (live.state === "empty") return <p className="text-sm text-slate-500">Paste or drop a CSR (or generate one) and every check shows here.</p>;
  if (live.state === "checking") return <p className="text-sm text-slate-500" role="status">Checking…</p>;
  return (
    <div className="grid gap-3" data-testid="live-checks">
      {live.csr ? (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-500">Subject</dt>
          <dd className="break-all" data-testid="live-subject">{live.csr.subject || "(empty)"}</dd>
          <dt className="text-slate-500">Key</dt>
          <dd>{live.csr.key}</dd>
          <dt className="text-slate-500">Signature</dt>
          <dd>{live.csr.signature}</dd>
          {live.csr.sans.length ? (
            <>
              <dt className="text-slate-500">SANs</dt>
              <dd className="break-all">{live.csr.sans.join(", ")}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      <CheckList
        checks={live.checks}
        label={label}
        extra={
          live.csr && reuse ? (
            <li className="flex items-start gap-3 text-sm" data-check="key.reuse" data-result={reuse.result}>
              <span className={`w-12 shrink-0 text-xs font-semibold ${reuse.result === "fail" ? "text-red-700" : "text-green-700"}`}>{reuse.result}</span>
              <span>
                <code className="text-xs text-slate-500">key.reuse</code>
                <span className="block text-slate-800">{reuse.message} (checked by the server)</span>
              </span>
            </li>
          ) : live.csr ? (
            <li className="flex items-start gap-3 text-sm" data-check="key.reuse" data-result="pending">
              <span className="w-12 shrink-0 text-xs text-slate-500">later</span>
              <span>
                <code className="text-xs text-slate-500">key.reuse</code>
                <span className="block text-slate-800">Checked when you submit: the server makes sure this public key has never been used before.</span>
              </span>
            </li>
          ) : null
        }
      />
    </div>
  );
}

function SanField({ id, label, value, onChange, placeholder }: { id: string; label: string; value: string; onChange: (v: string) => void; placeholder: string }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <textarea id={id} rows={3} value={value} onChange={(e) => onChange(e.target.value)} className="rounded border border-slate-300 px-3 py-2 font-mono text-sm" placeholder={placeholder} />
    </div>
  );
}

export function NewRequestForm({
  org,
  environments,
  profiles,
  initial: start,
  renews,
}: {
  org: { code: string; legalName: string };
  environments: Env[];
  profiles: Profile[];
  initial: { environment: string; profile: string };
  renews: { id: string; environment: string; subject: string } | null;
}) {
  const [state, dispatch, pending] = useActionState(submitCertificateRequestAction, initial);
  const [envCode, setEnvCode] = useState(start.environment);
  const available = useMemo(() => profiles.filter((p) => profileAppliesTo(p, envCode)), [profiles, envCode]);
  const [profileWanted, setProfileWanted] = useState(start.profile);
  const profile = available.find((p) => p.code === profileWanted) ?? available[0] ?? null;
  const [mode, setMode] = useState<Mode>("paste");
  const [pasted, setPasted] = useState<CsrInput>(EMPTY);
  const [generated, setGenerated] = useState<string | null>(null);
  const [keyConfirmed, setKeyConfirmed] = useState(false);
  const [sanDns, setSanDns] = useState("");
  const [sanIp, setSanIp] = useState("");
  const [clientError, setClientError] = useState<string | null>(null);
  // The CSR the last server answer is about: a refusal is shown only while the input is unchanged.
  const [answeredFor, setAnsweredFor] = useState<string | null>(null);

  const input: CsrInput = useMemo(() => (mode === "paste" ? pasted : generated ? { kind: "text", text: generated } : EMPTY), [mode, pasted, generated]);
  const ctx = useMemo(() => ({ orgCode: org.code, orgName: org.legalName, envCode }), [org.code, org.legalName, envCode]);
  const live = useLiveChecks(input, profile, ctx);
  const env = environments.find((e) => e.code === envCode);
  // Key material never leaves the browser: a private key, and a PKCS #12 file (which usually holds one).
  const isPrivateKey = live.state === "done" && (live.intake === "private_key" || live.intake === "pkcs12");
  const isPkcs12 = live.state === "done" && live.intake === "pkcs12";
  const liveFails = live.state === "done" ? live.checks.filter((c) => c.result === "fail").length : 0;
  // The size of what was given (a big file is read only in part): the server takes at most 64 KiB,
  // so a larger input is never sent, whatever the live checks have got to.
  const inputBytes = useMemo(() => (input.kind === "text" ? new TextEncoder().encode(input.text).length : input.size), [input]);
  const tooLarge = inputBytes > MAX_CSR_INPUT_BYTES || (live.state === "done" && live.intake === "too_large");
  const inputKey = tooLarge ? "" : input.kind === "text" ? input.text : base64Encode(input.bytes);
  const refusal = !state.ok && state.message && answeredFor === inputKey ? state : null;
  const serverFails = refusal?.checks?.filter((c) => c.result === "fail") ?? [];
  const serverReuse = refusal?.checks?.find((c) => c.code === "key.reuse") ?? null;

  const blockedReason = !profile
    ? `No certificate profile is available in ${envCode}.`
    : isEmptyInput(input)
      ? mode === "generate"
        ? "Generate a key and CSR first."
        : "Paste or drop a CSR first."
      : isPrivateKey
        ? `That is ${isPkcs12 ? "a PKCS #12 file (.p12/.pfx)" : "a private key"}: it is not sent anywhere. Paste the CSR instead.`
        : tooLarge
          ? `Not sent: ${findings.tooLarge(inputBytes).message}`
          : mode === "generate" && !keyConfirmed
            ? "Download your private key and confirm you saved it."
            : null;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (blockedReason) {
      setClientError(blockedReason);
      return;
    }
    setClientError(null);
    const form = new FormData();
    form.set("environment", envCode);
    form.set("profile", profile!.code);
    if (renews) form.set("renews", renews.id);
    if (profile!.enteredSans === "allow") {
      form.set("sanDns", sanDns);
      form.set("sanIp", sanIp);
    }
    // Only the CSR: PEM text as written, or a binary file as base64 DER. Never a key.
    form.set("csr", inputKey);
    setAnsweredFor(inputKey);
    startTransition(() => dispatch(form));
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-6" aria-label="New certificate request" noValidate>
      <section className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm sm:grid-cols-2">
        <div className="flex flex-col gap-1">
          <label htmlFor="new-request-env" className="text-sm font-medium text-slate-700">
            Environment
          </label>
          <select
            id="new-request-env"
            value={envCode}
            disabled={!!renews}
            onChange={(e) => setEnvCode(e.target.value)}
            className="rounded border border-slate-300 px-3 py-2 text-sm disabled:bg-slate-100"
          >
            {environments.map((e) => (
              <option key={e.code} value={e.code}>
                {e.code} · {e.name}
                {e.production ? " (production)" : ""}
              </option>
            ))}
          </select>
          {env ? (
            <p className="text-xs text-slate-500">
              {renews ? "A renewal stays in the environment of the certificate it renews. " : ""}
              {env.approvalsRequired === 1 ? "One officer approves" : `${env.approvalsRequired} different officers approve`} requests here.
            </p>
          ) : null}
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="new-request-profile" className="text-sm font-medium text-slate-700">
            Certificate profile
          </label>
          <select
            id="new-request-profile"
            value={profile?.code ?? ""}
            onChange={(e) => setProfileWanted(e.target.value)}
            className="rounded border border-slate-300 px-3 py-2 text-sm"
          >
            {available.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name} ({p.code})
              </option>
            ))}
          </select>
          {profile ? (
            <p className="text-xs text-slate-500">
              Valid {profile.validityDays} days · {profile.extendedKeyUsage.join(", ")} · subject alternative names {profile.san === "copy" ? "copied from the CSR" : "not allowed"}
              {profile.enteredSans === "allow" ? " · more may be entered below" : ""}
              {start.profile !== profile.code && profileWanted === start.profile ? ` · "${start.profile}" is not available in ${envCode}` : ""}
            </p>
          ) : (
            <p className="text-xs text-red-700" role="alert">
              No profile is available in {envCode}.
            </p>
          )}
        </div>
      </section>

      <div className="grid items-start gap-6 lg:grid-cols-[3fr_2fr]">
        <section className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <div role="tablist" aria-label="How to provide the CSR" className="flex gap-1 border-b border-slate-200">
            {(
              [
                ["paste", "Paste or upload a CSR"],
                ["generate", "Generate key and CSR in my browser"],
              ] as const
            ).map(([m, label]) => (
              <button
                key={m}
                type="button"
                role="tab"
                aria-selected={mode === m}
                onClick={() => {
                  setMode(m);
                  setClientError(null);
                }}
                className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${mode === m ? "border-slate-900 text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
              >
                {label}
              </button>
            ))}
          </div>
          {mode === "paste" ? (
            <div className="grid gap-4" role="tabpanel" aria-label="Paste or upload a CSR">
              <CsrInputField value={pasted} onChange={setPasted} error={isPrivateKey ? `This is ${isPkcs12 ? "a PKCS #12 file (.p12/.pfx)" : "a private key"}. It was not sent anywhere.` : undefined} />
              {profile ? <OpensslCommands profile={profile} org={org} envCode={envCode} /> : null}
            </div>
          ) : (
            <div role="tabpanel" aria-label="Generate key and CSR in my browser">
              {profile ? (
                <BrowserKeygen
                  key={`${envCode}/${profile.code}`}
                  profile={profile}
                  org={org}
                  envCode={envCode}
                  onGenerated={(pem) => {
                    setGenerated(pem);
                    setKeyConfirmed(false);
                  }}
                  confirmed={keyConfirmed}
                  onConfirmed={setKeyConfirmed}
                />
              ) : null}
            </div>
          )}
        </section>

        {profile?.enteredSans === "allow" ? (
          <section className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm sm:grid-cols-2" aria-label="Additional subject alternative names">
            <h2 className="text-lg font-semibold text-slate-900 sm:col-span-2">Additional subject alternative names (optional)</h2>
            <p className="text-xs text-slate-500 sm:col-span-2">Added to the certificate besides any in the CSR, after the same checks. One per line, or separated by commas.</p>
            <SanField id="new-request-san-dns" label="DNS names" value={sanDns} onChange={setSanDns} placeholder="api.partner.example" />
            <SanField id="new-request-san-ip" label="IP addresses" value={sanIp} onChange={setSanIp} placeholder="192.0.2.10" />
          </section>
        ) : null}

        <section className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label="Checks">
          <h2 className="text-lg font-semibold text-slate-900">Checks</h2>
          <LiveChecks live={live} reuse={serverReuse} />
          {refusal ? (
            <div className="grid gap-2" data-testid="server-result">
              <Notice tone="bad">
                {serverFails.length ? (
                  <p className="font-medium">
                    Not submitted: the server refused this CSR ({serverFails.length === 1 ? "one check fails" : `${serverFails.length} checks fail`}). Nothing was stored.
                  </p>
                ) : (
                  <p className="font-medium">Not submitted: {refusal.fields ? Object.values(refusal.fields).join(" ") : refusal.message}</p>
                )}
              </Notice>
              {serverFails.length ? <CheckList checks={serverFails} label="Server checks that failed" /> : null}
            </div>
          ) : null}
          {clientError ? (
            <p className="text-sm text-red-700" role="alert">
              {clientError}
            </p>
          ) : null}
          {liveFails && !isPrivateKey && !refusal ? (
            <p className="text-sm text-amber-800">
              {liveFails === 1 ? "One check fails" : `${liveFails} checks fail`}: the server will refuse this CSR. Fix it first, or submit to see the server&apos;s answer.
            </p>
          ) : null}
          <div className="flex flex-wrap items-center gap-3">
            <button
              type="submit"
              disabled={pending || !!blockedReason}
              className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50"
            >
              {pending ? "Submitting…" : renews ? "Submit renewal request" : "Submit request"}
            </button>
            {blockedReason && !clientError ? <span className="text-xs text-slate-500">{blockedReason}</span> : null}
          </div>
        </section>
      </div>
    </form>
  );
}
