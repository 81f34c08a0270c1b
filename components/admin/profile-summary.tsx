import { describePattern } from "@/lib/policy/describe-pattern";
import { KEY_TYPE_LABEL, type Profile } from "@/lib/policy/profile";

function rule(r: { required?: boolean; forbidden?: boolean; pattern?: string; equals?: string }): string {
  if (r.forbidden) return "must not appear";
  const parts = [r.required ? "required" : "optional"];
  if (r.equals !== undefined) parts.push(`must equal “${r.equals}”`);
  if (r.pattern !== undefined) parts.push(describePattern(r.pattern) ? `${describePattern(r.pattern)} (/${r.pattern}/)` : `must match /${r.pattern}/`);
  return parts.join(", ");
}

/** A profile in words: what a CSR must look like and what the certificate will be. */
export function ProfileSummary({ profile }: { profile: Profile }) {
  const subject = Object.entries(profile.subject);
  return (
    <dl className="grid grid-cols-[minmax(9rem,max-content)_1fr] gap-x-4 gap-y-1.5 text-sm" aria-label={`Profile ${profile.code} summary`}>
      <dt className="text-slate-500">Code</dt>
      <dd>
        <code>{profile.code}</code> · {profile.name}
      </dd>
      <dt className="text-slate-500">Environments</dt>
      <dd>{profile.environments === "*" ? "all environments" : profile.environments.join(", ")}</dd>
      <dt className="text-slate-500">Subject</dt>
      <dd>
        {subject.length ? (
          <ul>
            {subject.map(([name, r]) => (
              <li key={name}>
                <strong>{name}</strong>: {rule(r!)}
              </li>
            ))}
          </ul>
        ) : (
          "no rules"
        )}
        <span className="text-xs text-slate-500">Attributes not listed are kept as written. Placeholders: {"{org}"}, {"{orgName}"}, {"{env}"}, {"{keyType}"}.</span>
      </dd>
      <dt className="text-slate-500">Keys</dt>
      <dd>{profile.keys.map((k) => KEY_TYPE_LABEL[k]).join(", ")}</dd>
      <dt className="text-slate-500">CSR signature hashes</dt>
      <dd>{profile.signatureHashes.map((h) => h.toUpperCase().replace("SHA", "SHA-")).join(", ")}</dd>
      <dt className="text-slate-500">Subject alternative names</dt>
      <dd>{profile.san === "copy" ? "copied from the CSR (DNS and IP)" : "refused"}</dd>
      <dt className="text-slate-500">SANs entered at submission</dt>
      <dd>{profile.enteredSans === "allow" ? "allowed (DNS and IP)" : "refused"}</dd>
      <dt className="text-slate-500">Extended key usage</dt>
      <dd>{profile.extendedKeyUsage.join(", ")}</dd>
      <dt className="text-slate-500">Validity</dt>
      <dd>{profile.validityDays} days</dd>
    </dl>
  );
}
