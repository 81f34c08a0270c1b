// The subject a profile expects from an organisation in an environment: what the partner's
// `openssl req -subj` and the in-browser key generator pre-fill. Pure (browser and server).
import { describePattern } from "./describe-pattern";
import { compilePattern } from "./pattern";
import { substitute, type CheckContext } from "./checks";
import type { KeyTypeId, Profile } from "./profile";

export type SuggestedAttribute = {
  type: string;
  /** The value to use; for free-form attributes an example that satisfies the rule. */
  value: string;
  /** True when the profile fixes the value (equals, or a pattern that is a literal once placeholders are filled). */
  fixed: boolean;
  required: boolean;
  /** The rule in words, for the form's hint. */
  rule: string;
};

/** Most significant first, as OpenSSL and most CAs write a DN: C, ST, L, O, OU, …, CN last. */
const ORDER = ["C", "ST", "L", "O", "OU", "DC", "street", "title", "serialNumber", "GN", "SN", "UID", "emailAddress", "CN"];

export const keyTypeWordOf = (keyType: KeyTypeId) => (keyType.startsWith("rsa") ? "RSA" : "ECDSA");

/** A pattern that is a plain string once `\x` escapes are removed (no other regex syntax), as that string; else null. */
function literalOf(pattern: string): string | null {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return null; // \d, \s, \u…: a class, not a literal
      out += next;
      i++;
    } else if ("[](){}*+?|^$".includes(c)) {
      return null;
    } else {
      out += c; // "." is kept: it matches itself too
    }
  }
  return out;
}

const matches = (pattern: string, value: string) => {
  try {
    return compilePattern(pattern).matches(value);
  } catch {
    return false;
  }
};

/**
 * The subject to put in a CSR for this profile. Attributes the profile fixes get their value;
 * a required free-form CN gets an example derived from the organisation and environment when
 * it satisfies the rule (the user edits it); optional free-form attributes are left out.
 */
export function suggestedSubject(profile: Profile, ctx: CheckContext, keyType: KeyTypeId): SuggestedAttribute[] {
  const full = { ...ctx, keyType: keyTypeWordOf(keyType) };
  const entries = Object.entries(profile.subject).filter(([, rule]) => rule && !rule.forbidden);
  entries.sort(([a], [b]) => (ORDER.indexOf(a) + 1 || 50) - (ORDER.indexOf(b) + 1 || 50));
  const out: SuggestedAttribute[] = [];
  for (const [type, rule] of entries) {
    if (!rule) continue;
    const required = !!rule.required;
    if (rule.equals !== undefined) {
      out.push({ type, value: substitute(rule.equals, full, false), fixed: true, required, rule: `must be exactly "${substitute(rule.equals, full, false)}"` });
      continue;
    }
    if (rule.pattern !== undefined) {
      const pattern = substitute(rule.pattern, full, true);
      const literal = literalOf(pattern);
      if (literal !== null && matches(pattern, literal)) {
        out.push({ type, value: literal, fixed: true, required, rule: `must be "${literal}"` });
        continue;
      }
      if (!required) continue;
      const example = [`${ctx.orgCode}-${ctx.envCode.toLowerCase()}-client`, `${ctx.orgCode}-client`, ctx.orgCode].find((v) => matches(pattern, v));
      out.push({ type, value: example ?? "", fixed: false, required, rule: describePattern(rule.pattern) ? `must be ${describePattern(rule.pattern)}` : `must match ${rule.pattern}` });
      continue;
    }
    if (required) out.push({ type, value: type === "O" ? ctx.orgName : type === "CN" ? `${ctx.orgCode}-${ctx.envCode.toLowerCase()}-client` : "", fixed: false, required, rule: "required" });
  }
  if (!out.some((a) => a.type === "CN") && !profile.subject.CN?.forbidden) {
    out.push({ type: "CN", value: `${ctx.orgCode}-${ctx.envCode.toLowerCase()}-client`, fixed: false, required: false, rule: "any value" });
  }
  return out;
}

/** `/C=NL/O=Acme/CN=…` for `openssl req -subj`, with `/`, `+`, `=` and `\` escaped. */
export function opensslSubj(attributes: readonly { type: string; value: string }[]): string {
  return attributes.map((a) => `/${a.type}=${a.value.replace(/[\\/+=]/g, "\\$&")}`).join("");
}

/** A POSIX shell single-quoted word. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
