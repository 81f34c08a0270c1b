"use client";

import { CopyButton } from "@/components/ui/copy-button";
import { signatureHashFor } from "@/lib/pki/keygen/generate";
import { KEY_TYPE_LABEL, type KeyTypeId, type Profile } from "@/lib/policy/profile";
import { opensslSubj, shellQuote, suggestedSubject } from "@/lib/policy/suggest-subject";

function newkeyArgs(keyType: KeyTypeId): string {
  if (keyType.startsWith("rsa")) return `-newkey rsa:${keyType.slice(4)}`;
  return `-newkey ec -pkeyopt ec_paramgen_curve:${keyType === "ecdsa-p384" ? "P-384" : "P-256"}`;
}

/** The exact `openssl req` commands for this profile, organisation and environment: one RSA, one ECDSA variant. */
export function OpensslCommands({ profile, org, envCode }: { profile: Profile; org: { code: string; legalName: string }; envCode: string }) {
  const ctx = { orgCode: org.code, orgName: org.legalName, envCode };
  const rsa = profile.keys.filter((k) => k.startsWith("rsa"));
  const ec = profile.keys.filter((k) => k.startsWith("ecdsa"));
  // Prefer a mid-size RSA key and P-256 when allowed; otherwise the first the profile allows.
  const variants = [rsa.includes("rsa-3072") ? "rsa-3072" : rsa[0], ec.includes("ecdsa-p256") ? "ecdsa-p256" : ec[0]].filter(Boolean) as KeyTypeId[];
  const base = `${org.code}-${envCode.toLowerCase()}`;
  return (
    <section className="grid gap-3" aria-label="OpenSSL commands" data-testid="openssl-commands">
      <div>
        <h3 className="text-sm font-semibold text-slate-800">Or make the CSR yourself with OpenSSL</h3>
        <p className="text-xs text-slate-600">
          Run one of these where the key will live. OpenSSL asks for a passphrase to protect the key (add <code>-noenc</code> to skip it). Send only the <code>.csr</code>; keep the <code>.key</code>.
        </p>
      </div>
      {variants.map((keyType) => {
        const subject = suggestedSubject(profile, ctx, keyType);
        const free = subject.filter((a) => !a.fixed);
        const hash = signatureHashFor(keyType, profile.signatureHashes);
        const command = `openssl req -new ${newkeyArgs(keyType)} -${hash} \\\n  -keyout ${base}.key -out ${base}.csr \\\n  -subj ${shellQuote(opensslSubj(subject))}`;
        return (
          <div key={keyType} className="grid gap-1" data-key-type={keyType}>
            <div className="flex items-center justify-between gap-2">
              <span className="text-xs font-medium text-slate-700">{KEY_TYPE_LABEL[keyType]}</span>
              <CopyButton text={command.replace(/ \\\n {2}/g, " ")} label={`Copy ${KEY_TYPE_LABEL[keyType]} command`} />
            </div>
            <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100" data-testid={`openssl-${keyType}`}>
              {command}
            </pre>
            {free.length ? (
              <p className="text-xs text-slate-500">
                {free.map((a) => `${a.type} is an example: use your own value (${a.rule}).`).join(" ")}
              </p>
            ) : null}
          </div>
        );
      })}
      <p className="text-xs text-slate-600">
        Allowed keys: {profile.keys.map((k) => KEY_TYPE_LABEL[k]).join(", ")}.{" "}
        {profile.san === "copy" ? (
          <>
            DNS and IP subject alternative names are copied into the certificate; add them with <code>-addext &quot;subjectAltName=DNS:client.example.com&quot;</code>.
          </>
        ) : (
          "Subject alternative names are not allowed by this profile."
        )}{" "}
        Check the result with <code>openssl req -in {base}.csr -noout -verify -text</code>.
      </p>
    </section>
  );
}
