"use client";

import { useRef, useState } from "react";
import { Field } from "@/components/ui/form";
import { Notice } from "@/components/ui/details";
import { saveBytes } from "@/components/ui/save-file";
import { generateKeyAndCsr, signatureHashFor } from "@/lib/pki/keygen/generate";
import { privateKeyPem } from "@/lib/pki/keygen/private-key-file";
import { KEY_TYPE_LABEL, type KeyTypeId, type Profile } from "@/lib/policy/profile";
import { suggestedSubject } from "@/lib/policy/suggest-subject";
import { checkSubject } from "@/lib/policy/checks";

type Generated = { keyType: KeyTypeId; keyPem: string; encrypted: boolean; csrPem: string };

/**
 * Generates the key pair and CSR in this browser (WebCrypto + pkijs). The private key exists only
 * in this component's memory until the user saves it; it is never part of any request.
 */
export function BrowserKeygen({
  profile,
  org,
  envCode,
  onGenerated,
  confirmed,
  onConfirmed,
}: {
  profile: Profile;
  org: { code: string; legalName: string };
  envCode: string;
  onGenerated: (csrPem: string | null) => void;
  confirmed: boolean;
  onConfirmed: (v: boolean) => void;
}) {
  const ctx = { orgCode: org.code, orgName: org.legalName, envCode };
  const [keyType, setKeyType] = useState<KeyTypeId>(profile.keys.includes("ecdsa-p256") ? "ecdsa-p256" : profile.keys[0]);
  const [subject, setSubject] = useState(() => suggestedSubject(profile, ctx, keyType));
  const [passphrase, setPassphrase] = useState("");
  const [passphrase2, setPassphrase2] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [generated, setGenerated] = useState<Generated | null>(null);
  const [downloaded, setDownloaded] = useState(false);
  const keyName = `${org.code}-${envCode.toLowerCase()}.key`;
  const held = useRef<string | null>(null);

  function changeKeyType(k: KeyTypeId) {
    setKeyType(k);
    // {keyType} may be part of the subject: refill fixed attributes, keep what the user typed elsewhere.
    const next = suggestedSubject(profile, ctx, k);
    setSubject((prev) => next.map((a) => (a.fixed ? a : { ...a, value: prev.find((p) => p.type === a.type)?.value ?? a.value })));
  }

  async function generate() {
    setError(null);
    // Everything wrong at once, and before a key exists: a key for a subject the profile refuses is waste.
    const problems: string[] = [];
    if (passphrase !== passphrase2) problems.push("The two passphrases differ.");
    if (passphrase && [...passphrase].length < 8) problems.push("Use a passphrase of at least 8 characters, or none.");
    const attrs = subject.filter((a) => a.value.trim() !== "" || a.required).map((a) => ({ type: a.type, value: a.value.trim() }));
    for (const a of attrs.filter((x) => x.value === "")) problems.push(`${a.type} is required.`);
    const named = attrs.filter((a) => a.value !== "").map((a) => ({ name: a.type, value: a.value }));
    const facts = {
      subject: named,
      subjectRdns: named.map((a) => [a]),
      key: { type: keyType.startsWith("rsa") ? "rsa" : "ec", label: KEY_TYPE_LABEL[keyType] },
    };
    for (const c of checkSubject(facts, profile, ctx)) if (c.result === "fail" && !/is required in the subject but missing/.test(c.message)) problems.push(c.message);
    if (problems.length) return setError(problems.join(" "));
    setBusy(true);
    try {
      const g = await generateKeyAndCsr({ keyType, subject: attrs, hash: signatureHashFor(keyType, profile.signatureHashes) });
      const keyPem = await privateKeyPem(g.privateKeyPkcs8Der, passphrase || undefined);
      g.privateKeyPkcs8Der.fill(0);
      held.current = keyPem;
      setGenerated({ keyType, keyPem, encrypted: !!passphrase, csrPem: g.csrPem });
      setDownloaded(false);
      onConfirmed(false);
      onGenerated(g.csrPem);
    } catch (e) {
      setError(e instanceof Error ? e.message : "Key generation failed in this browser.");
    } finally {
      setBusy(false);
    }
  }

  function downloadKey() {
    if (!held.current) return;
    saveBytes(held.current, keyName, "application/x-pem-file");
    setDownloaded(true);
  }

  function discard() {
    held.current = null;
    setGenerated(null);
    setDownloaded(false);
    onConfirmed(false);
    onGenerated(null);
  }

  if (generated) {
    return (
      <div className="grid gap-4" data-testid="browser-keygen">
        <Notice tone="warn">
          <p className="font-medium">Save your private key now.</p>
          <p className="mt-1">
            It was made in this browser and exists nowhere else: Keyport never receives it and cannot recover it. You need it (and {generated.encrypted ? "its passphrase" : "nothing else"}) to use the
            certificate.
          </p>
        </Notice>
        <p className="text-sm text-slate-700">
          {KEY_TYPE_LABEL[generated.keyType]} key, PKCS#8 PEM{generated.encrypted ? ", encrypted with your passphrase (AES-256, PBKDF2-SHA-256)" : ", not encrypted: store it safely"}.
        </p>
        <div className="flex flex-wrap gap-2">
          <button type="button" onClick={downloadKey} className="rounded bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700">
            Download private key ({keyName})
          </button>
          <button
            type="button"
            onClick={() => saveBytes(generated.csrPem, keyName.replace(/\.key$/, ".csr"), "application/pkcs10")}
            className="rounded border border-slate-300 px-3 py-2 text-sm text-slate-700 hover:bg-slate-100"
          >
            Download CSR
          </button>
          <button type="button" onClick={discard} className="rounded border border-slate-300 px-3 py-2 text-sm text-slate-700 hover:bg-slate-100">
            Start again
          </button>
        </div>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" checked={confirmed} disabled={!downloaded} onChange={(e) => onConfirmed(e.target.checked)} className="mt-1" />
          <span>I have saved the private key {downloaded ? "" : "(download it first)"}</span>
        </label>
        <details className="text-sm">
          <summary className="cursor-pointer text-slate-600">The CSR that will be sent</summary>
          <pre className="mt-2 overflow-x-auto rounded bg-slate-100 p-2 text-xs">{generated.csrPem}</pre>
        </details>
      </div>
    );
  }

  return (
    <div className="grid gap-4" data-testid="browser-keygen">
      <p className="text-sm text-slate-600">The key pair is generated by your browser. Only the CSR is sent to Keyport; you download the private key.</p>
      <div className="flex flex-col gap-1">
        <label htmlFor="keygen-type" className="text-sm font-medium text-slate-700">
          Key type
        </label>
        <select id="keygen-type" value={keyType} onChange={(e) => changeKeyType(e.target.value as KeyTypeId)} className="rounded border border-slate-300 px-3 py-2 text-sm">
          {profile.keys.map((k) => (
            <option key={k} value={k}>
              {KEY_TYPE_LABEL[k]}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="grid gap-3">
        <legend className="mb-1 text-sm font-medium text-slate-700">Subject</legend>
        {subject.map((a, i) => (
          <Field
            key={a.type}
            label={`${a.type}${a.required ? "" : " (optional)"}`}
            name={`subject-${a.type}`}
            value={a.value}
            readOnly={a.fixed}
            onChange={(e) => setSubject((prev) => prev.map((p, j) => (j === i ? { ...p, value: e.target.value } : p)))}
            hint={a.fixed ? `Set by the profile: ${a.rule}.` : `Rule: ${a.rule}.`}
          />
        ))}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Key passphrase (recommended)"
          name="keyPassphrase"
          type="password"
          autoComplete="new-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          hint="Encrypts the key file you download. At least 8 characters."
        />
        <Field label="Passphrase again" name="keyPassphrase2" type="password" autoComplete="new-password" value={passphrase2} onChange={(e) => setPassphrase2(e.target.value)} />
      </div>
      {error ? (
        <p className="text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
      <div>
        <button type="button" onClick={generate} disabled={busy} className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50">
          {busy ? "Generating…" : "Generate key and CSR"}
        </button>
      </div>
    </div>
  );
}
