// The named checks a CSR must pass under a profile. Pure (runs in the browser
// for live checks and on the server at submission and again at signing).
// Each check is { code, result: "pass" | "warn" | "fail", message }.
import { describeCodePoint, findControlCharacter, isSurrogate } from "@/lib/control-characters";
import { type SanLists, subjectAltNameProblem } from "@/lib/pki/cert/san-names";
import { keyQualityProblems, type KeyQualityProblem } from "@/lib/pki/key/quality";
import { describePattern } from "./describe-pattern";
import { compilePattern } from "./pattern";
import { KEY_TYPE_LABEL, type KeyTypeId, type Profile, type SubjectRule } from "./profile";

export type CheckResult = "pass" | "warn" | "fail";
export type Check = { code: string; result: CheckResult; message: string };

/** What the checks read from a parsed CSR (lib/pki/csr's ParsedCsr satisfies it). */
export type CsrFacts = {
  /** valueType "other": not a character string (value is "#" + hex, RFC 4514 §2.4), never matched against a rule. */
  subject: { name: string; value: string; valueType?: string }[];
  subjectRdns: { name: string; value: string }[][];
  sans: { type: "dns" | "ip" | "email" | "uri" | "other"; value: string }[];
  key: { type: string; oid?: string; bits?: number; exponent?: number; curve?: string; label: string };
  signature: { name: string; hash: string | null; scheme: string };
  signatureValid: boolean;
  signatureError?: string;
  signatureUnsupported?: boolean;
  /** The subject the certificate will carry (lib/pki/name/certificate-subject.ts), or why there is none. */
  certificateSubject?: { ok: true; string: string } | { ok: false; problems: { attribute: string; message: string }[] };
  /** The canonical SubjectPublicKeyInfo (ParsedCsr.spkiDer): what key.quality examines. */
  spkiDer?: Uint8Array;
};

/** What only some callers can run: the server passes OpenSSL's primality test (lib/services/csr/key-quality-options.ts). */
export type CheckOptions = {
  /** A probable-prime test for RSA moduli; without it key.quality leaves primality to the server. */
  isProbablePrime?: (n: bigint) => boolean;
};

export type CheckContext = {
  orgCode: string;
  orgName: string;
  envCode: string;
};

const HASH_LABEL: Record<string, string> = { md5: "MD5", sha1: "SHA-1", sha224: "SHA-224", sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };

/**
 * id-RSASSA-PSS (RFC 4055 §1.2): an RSA key restricted to PSS signatures. Certificates carry
 * rsaEncryption keys (issuance refuses this one), and TLS stacks rarely accept such a client key.
 */
const RSASSA_PSS_KEY_OID = "1.2.840.113549.1.1.10";

/** The profile key-type id of a CSR's key, or null when it is none of ours. */
export function keyTypeId(key: CsrFacts["key"]): KeyTypeId | null {
  if (key.type === "rsa" && key.oid === RSASSA_PSS_KEY_OID) return null;
  if (key.type === "rsa" && key.bits) {
    const id = `rsa-${key.bits}`;
    return id in KEY_TYPE_LABEL ? (id as KeyTypeId) : null;
  }
  if (key.type === "ec") {
    if (key.curve === "P-256") return "ecdsa-p256";
    if (key.curve === "P-384") return "ecdsa-p384";
  }
  return null;
}

/** `RSA` or `ECDSA`, as the {keyType} placeholder wants. */
export function keyTypeWord(key: CsrFacts["key"]): string {
  return key.type === "rsa" ? "RSA" : key.type === "ec" ? "ECDSA" : key.label.split(" ")[0];
}

// Only the characters that are syntax outside a character class: with the `u` flag,
// escaping anything else (e.g. "\-" or "\/") is itself a syntax error.
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Substitute placeholders literally: escaped for a pattern, as-is for equals. */
export function substitute(template: string, ctx: CheckContext & { keyType: string }, forRegex: boolean): string {
  const values: Record<string, string> = { org: ctx.orgCode, orgName: ctx.orgName, env: ctx.envCode, keyType: ctx.keyType };
  return template.replace(/\{(org|orgName|env|keyType)\}/g, (_, k: string) => (forRegex ? escapeRegex(values[k]) : values[k]));
}

function quote(v: string): string {
  return JSON.stringify(v);
}

export function checkSignature(csr: CsrFacts): Check {
  return csr.signatureValid
    ? { code: "csr.signature", result: "pass", message: "The CSR's self-signature verifies: whoever made it holds the private key." }
    : csr.signatureUnsupported
      ? {
          code: "csr.signature",
          result: "fail",
          message: `The CSR's self-signature could not be checked${csr.signatureError ? ` (${csr.signatureError})` : ""}, so it cannot be accepted. Create the CSR with an allowed key type and an RSA (PKCS #1 v1.5 or PSS) or ECDSA signature.`,
        }
      : {
          code: "csr.signature",
          result: "fail",
          message: `The CSR's self-signature does not verify${csr.signatureError ? ` (${csr.signatureError})` : ""}. Generate the CSR again from the private key.`,
        };
}

export function checkKey(csr: CsrFacts, profile: Profile): Check {
  const allowed = profile.keys.map((k) => KEY_TYPE_LABEL[k]).join(", ");
  const id = keyTypeId(csr.key);
  if (csr.key.type === "rsa" && csr.key.oid === RSASSA_PSS_KEY_OID) {
    return {
      code: "key.type",
      result: "fail",
      message: `Found an RSA-PSS-restricted key (id-RSASSA-PSS, ${csr.key.bits ?? "?"} bits); allowed: ${allowed}. Create an ordinary RSA key (rsaEncryption, e.g. openssl genpkey -algorithm RSA), which can still sign the CSR with PSS.`,
    };
  }
  if (!id || !profile.keys.includes(id)) {
    return { code: "key.type", result: "fail", message: `Found ${csr.key.label}; allowed: ${allowed}.` };
  }
  return { code: "key.type", result: "pass", message: `${csr.key.label} is allowed.` };
}

/** The exponent an RSA key must have under this profile (CA/B BR §6.1.6 permits others; Keyport's default is 65537). */
export const rsaExponentOf = (profile: Profile): number => profile.rsaExponent ?? 65537;

/**
 * key.quality (CA/B BR §6.1.6, zlint's RSA lints): RSA modulus odd, not prime, no factor below
 * 752, not Fermat-factorable in 100 rounds, no ROCA fingerprint, exponent as the profile says;
 * EC points on their curve and not the identity (lib/pki/key/quality.ts).
 */
export function checkKeyQuality(csr: Pick<CsrFacts, "key" | "spkiDer">, profile: Profile, opts: CheckOptions = {}): Check {
  const code = "key.quality";
  const exponent = rsaExponentOf(profile);
  let problems: KeyQualityProblem[];
  if (csr.spkiDer) {
    try {
      problems = keyQualityProblems(csr.spkiDer, { rsaExponent: exponent, isProbablePrime: opts.isProbablePrime });
    } catch {
      return { code, result: "fail", message: "The public key could not be read to test its quality. Generate a new key pair and CSR." };
    }
  } else {
    // Facts without the key itself (a summary): only the exponent can be judged.
    const e = csr.key.exponent;
    problems = csr.key.type === "rsa" && e !== undefined && e !== exponent ? [{ rule: "rsa.exponent", message: `the public exponent is ${Number.isSafeInteger(e) ? e : `of ${Math.floor(Math.log2(e)) + 1} bits`}; this profile requires ${exponent}` }] : [];
  }
  if (problems.length) {
    const what = problems.map((p) => p.message).join("; ");
    return { code, result: "fail", message: `${csr.key.label}: ${what}. This key is weak; generate a new key pair with standard software (e.g. openssl genpkey) and a new CSR.` };
  }
  if (csr.key.type === "rsa") {
    const primality = opts.isProbablePrime ? "not prime, " : "";
    return { code, result: "pass", message: `RSA key: exponent ${exponent}, modulus odd, ${primality}no factor below 752, not Fermat-factorable, no ROCA fingerprint${opts.isProbablePrime ? "" : " (primality is tested when the CSR is submitted)"}.` };
  }
  if (csr.key.type === "ec") return { code, result: "pass", message: "EC key: the public point is on its curve and is not the identity." };
  return { code, result: "pass", message: "No weak-key tests apply to this key type." };
}

export function checkSignatureHash(csr: CsrFacts, profile: Profile): Check {
  const allowed = profile.signatureHashes.map((h) => HASH_LABEL[h]).join(", ");
  const hash = csr.signature.hash;
  if (!hash || !(profile.signatureHashes as readonly string[]).includes(hash)) {
    const found = hash ? `${HASH_LABEL[hash] ?? hash} (${csr.signature.name})` : csr.signature.name;
    return { code: "signature.hash", result: "fail", message: `The CSR is signed with ${found}; allowed hashes: ${allowed}.` };
  }
  return { code: "signature.hash", result: "pass", message: `Signed with ${HASH_LABEL[hash]} (${csr.signature.name}).` };
}

/** Bidirectional formatting controls (Unicode Bidi_Control): they reorder how text displays, so "acme" can read as another name. */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * A value as a message can show it: control and bidi characters and unpaired surrogates as \uXXXX,
 * in quotes (the message is stored in the request's checks, and jsonb refuses an unpaired surrogate).
 */
function shown(v: string): string {
  const unshowable = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  return `"${v.replace(unshowable, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

/**
 * subject.characters, for every profile: no subject value or SAN may hold a control character
 * (C0, DEL, C1: U+0000 ends a C string early, others hide text or forge lines in logs and
 * displays), an unpaired UTF-16 surrogate (not a character; lib/pki/csr/strings.ts refuses one
 * in a BMPString already) or a bidirectional control; leading or trailing whitespace is a warning (software
 * disagrees on trimming it, so names may not match). The other checks compare values as they
 * are: without this one, "acme-ppr\u0000evil" matches a pattern of non-whitespace characters.
 */
export function checkCharacters(csr: { subject: CsrFacts["subject"]; sans?: CsrFacts["sans"] }): Check {
  const values = [
    // Values without a string form are shown as "#" + hex (RFC 4514 §2.4): nothing to find there.
    ...csr.subject.map((a) => ({ label: a.name, value: a.value })),
    ...(csr.sans ?? []).map((s) => ({ label: `${s.type.toUpperCase()} SAN`, value: s.value })),
  ];
  const bad: string[] = [];
  const padded: string[] = [];
  for (const { label, value } of values) {
    const control = findControlCharacter(value);
    const bidi = BIDI_CONTROL.exec(value);
    if (control && isSurrogate(control.code)) bad.push(`${label} ${shown(value)} holds an unpaired UTF-16 surrogate (${describeCodePoint(control.code).split(" ")[0]}), which is not a character`);
    else if (control) bad.push(`${label} ${shown(value)} holds the control character ${describeCodePoint(control.code)}`);
    else if (bidi) bad.push(`${label} ${shown(value)} holds the bidirectional control ${describeCodePoint(bidi[0].charCodeAt(0))}`);
    else if (/^\s|\s$/u.test(value)) padded.push(`${label} ${shown(value)}`);
  }
  const code = "subject.characters";
  if (bad.length) {
    return { code, result: "fail", message: `${bad.join("; ")}. Control characters are not allowed in a subject or SAN: they hide text and can make one name read as another. Create the CSR again without them.` };
  }
  if (padded.length) {
    return { code, result: "warn", message: `${padded.join("; ")} ${padded.length === 1 ? "has" : "have"} leading or trailing whitespace, which some software trims and some does not; names may not match. Remove it unless it is intended.` };
  }
  return { code, result: "pass", message: "No control characters or surrounding whitespace in the subject or SANs." };
}

/**
 * subject.encoding: the certificate's subject is rebuilt from the decoded CSR subject, never
 * copied (lib/pki/name/certificate-subject.ts); this check says what it will be, or which
 * attribute prevents it.
 */
export function checkSubjectEncoding(certificateSubject: NonNullable<CsrFacts["certificateSubject"]>): Check {
  const code = "subject.encoding";
  if (!certificateSubject.ok) {
    return { code, result: "fail", message: `The subject cannot be certified. ${certificateSubject.problems.map((p) => p.message).join(" ")}` };
  }
  return {
    code,
    result: "pass",
    message: certificateSubject.string ? `The certificate's subject will be: ${certificateSubject.string}.` : "The certificate's subject will be empty; its holder is named by the subject alternative names.",
  };
}

export function checkSubject(csr: Pick<CsrFacts, "subject" | "subjectRdns" | "key" | "certificateSubject"> & { sans?: CsrFacts["sans"] }, profile: Profile, ctx: CheckContext): Check[] {
  const checks: Check[] = [];
  const keyType = keyTypeWord(csr.key);
  for (const [attr, rule] of Object.entries(profile.subject)) {
    const code = `subject.${attr}`;
    const values = csr.subject.filter((a) => a.name === attr).map((a) => a.value);
    if (rule.forbidden) {
      checks.push(
        values.length
          ? { code, result: "fail", message: `${attr} is not allowed in the subject for this profile; remove ${attr}=${quote(values[0])}.` }
          : { code, result: "pass", message: `No ${attr} in the subject, as required.` },
      );
      continue;
    }
    if (values.length === 0) {
      checks.push(
        rule.required
          ? { code, result: "fail", message: `${attr} is required in the subject but missing.${expected(rule, ctx, keyType)}` }
          : { code, result: "pass", message: `${attr} is optional and not present.` },
      );
      continue;
    }
    if (values.length > 1) {
      checks.push({ code, result: "fail", message: `${attr} appears ${values.length} times in the subject; give it once.` });
      continue;
    }
    const value = values[0];
    if (csr.subject.some((a) => a.name === attr && a.valueType === "other")) {
      // Its display form "#04…" (RFC 4514 §2.4) is not a value: a pattern must never match it.
      checks.push({ code, result: "fail", message: `${attr} is not a character string; create the CSR again with a text value for ${attr}.` });
      continue;
    }
    if (rule.equals !== undefined) {
      const want = substitute(rule.equals, { ...ctx, keyType }, false);
      checks.push(
        value === want
          ? { code, result: "pass", message: `${attr} is ${quote(value)}.` }
          : { code, result: "fail", message: `${attr} is ${quote(value)}; it must be exactly ${quote(want)}.` },
      );
    } else if (rule.pattern !== undefined) {
      const re = compilePattern(substitute(rule.pattern, { ...ctx, keyType }, true));
      checks.push(
        re.matches(value)
          ? { code, result: "pass", message: `${attr} ${quote(value)} matches the required form.` }
          : { code, result: "fail", message: `${attr} ${quote(value)} does not have the required form.${expected(rule, ctx, keyType)}` },
      );
    } else {
      checks.push({ code, result: "pass", message: `${attr} is ${quote(value)}.` });
    }
  }
  const multi = csr.subjectRdns.find((rdn) => rdn.length > 1);
  if (multi) {
    checks.push({
      code: "subject.rdn",
      result: "warn",
      message: `The subject has a multi-valued RDN (${multi.map((a) => `${a.name}=${a.value}`).join(" + ")}); some software displays or matches it differently. The certificate will carry each of these attributes as its own RDN, in the same order.`,
    });
  }
  checks.push(checkCharacters(csr));
  if (csr.certificateSubject) checks.push(checkSubjectEncoding(csr.certificateSubject));
  return checks;
}

function expected(rule: SubjectRule, ctx: CheckContext, keyType: string): string {
  if (rule.equals !== undefined) return ` Expected exactly ${quote(substitute(rule.equals, { ...ctx, keyType }, false))}.`;
  if (rule.pattern !== undefined) {
    const plain = describePattern(rule.pattern);
    return plain ? ` Expected ${plain}.` : ` Expected the form ${substitute(rule.pattern, { ...ctx, keyType }, false)}.`;
  }
  return "";
}

const NO_SANS: SanLists = { dns: [], ip: [] };

export function checkSan(csr: CsrFacts, profile: Profile, entered: SanLists = NO_SANS): Check {
  if (!csr.sans.length) {
    // RFC 5280 §4.2.1.6: with an empty subject the identity is in the SANs; issuance refuses a certificate with neither.
    const enteredCount = profile.enteredSans === "allow" ? entered.dns.length + entered.ip.length : 0;
    return csr.subject.length === 0 && enteredCount === 0
      ? { code: "san", result: "fail", message: "The subject is empty, so the certificate needs at least one DNS or IP subject alternative name to name its holder; add a subject (CN) or a SAN." }
      : { code: "san", result: "pass", message: "The CSR requests no subject alternative names." };
  }
  const list = csr.sans.map((s) => `${s.type.toUpperCase()}:${s.value}`).join(", ");
  if (profile.san === "forbid") {
    return { code: "san", result: "fail", message: `This profile allows no subject alternative names; the CSR requests ${list}.` };
  }
  const others = csr.sans.filter((s) => s.type !== "dns" && s.type !== "ip");
  if (others.length) {
    return {
      code: "san",
      result: "fail",
      message: `Only DNS and IP subject alternative names can be copied; the CSR also requests ${others.map((s) => `${s.type.toUpperCase()}:${s.value}`).join(", ")}.`,
    };
  }
  // The same validation issuance applies (lib/pki/cert/san-names.ts), with the same words.
  const problems = csr.sans.map(subjectAltNameProblem).filter((p): p is string => p !== null);
  if (problems.length) return { code: "san", result: "fail", message: problems.join(" ") };
  return { code: "san", result: "pass", message: `These subject alternative names will be copied into the certificate: ${list}.` };
}

const sanList = (sans: SanLists) => [...sans.dns.map((d) => `DNS:${d}`), ...sans.ip.map((i) => `IP:${i}`)].join(", ");

/**
 * san.entered: the DNS names and IP addresses the partner typed at submission (apart from the CSR's),
 * allowed only where the profile says `enteredSans: "allow"`, and held to the same rules as the
 * CSR's SANs (lib/pki/cert/san-names.ts, which issuance applies too).
 */
export function checkEnteredSans(entered: SanLists, profile: Profile): Check {
  const code = "san.entered";
  if (!entered.dns.length && !entered.ip.length) return { code, result: "pass", message: "No subject alternative names were entered besides the CSR's." };
  if (profile.enteredSans !== "allow") {
    return { code, result: "fail", message: `Profile ${profile.code} takes no subject alternative names entered at submission; you entered ${sanList(entered)}. Remove them, or put them in the CSR if the profile copies the CSR's.` };
  }
  const problems = [...entered.dns.map((value) => subjectAltNameProblem({ type: "dns", value })), ...entered.ip.map((value) => subjectAltNameProblem({ type: "ip", value }))].filter((p): p is string => p !== null);
  if (problems.length) return { code, result: "fail", message: `Entered subject alternative names: ${problems.join(" ")}` };
  // Control characters cannot get here: DNS names are LDH and IP addresses parse.
  return { code, result: "pass", message: `These entered subject alternative names will be added to the certificate: ${sanList(entered)}.` };
}

/**
 * Every check that needs only the CSR, the profile and the context (no database). `entered`: the
 * SANs typed at submission (the server passes them; the browser's live checks have none yet).
 */
export function runCsrChecks(csr: CsrFacts, profile: Profile, ctx: CheckContext, opts: CheckOptions = {}, entered?: SanLists): Check[] {
  return [
    checkSignature(csr),
    checkKey(csr, profile),
    checkKeyQuality(csr, profile, opts),
    checkSignatureHash(csr, profile),
    ...checkSubject(csr, profile, ctx),
    checkSan(csr, profile, entered),
    ...(entered ? [checkEnteredSans(entered, profile)] : []),
  ];
}

export type KeyReuseHit = { kind: "request" | "certificate"; id: string; orgCode: string; envCode: string; status: string };

/**
 * The key-reuse check. `viewerOrgCode` is set when a partner is asking: hits in other
 * organisations are then not described (no id, organisation or environment), only counted.
 */
export function keyReuseCheck(hits: KeyReuseHit[], viewerOrgCode: string | null = null): Check {
  if (!hits.length) return { code: "key.reuse", result: "pass", message: "This public key has not been seen before." };
  const visible = viewerOrgCode === null ? hits : hits.filter((h) => h.orgCode === viewerOrgCode);
  const hidden = hits.length - visible.length;
  const parts = visible.slice(0, 3).map((h) => `${h.kind === "request" ? "pending request" : `${h.status} certificate`} ${h.id} (${h.orgCode}, ${h.envCode})`);
  if (visible.length > 3) parts.push(`${visible.length - 3} more`);
  if (hidden) parts.push(hidden === 1 ? "a certificate or request of another organisation" : `${hidden} certificates or requests of other organisations`);
  const where = parts.length > 1 ? `${parts.slice(0, -1).join("; ")} and ${parts[parts.length - 1]}` : parts[0];
  return {
    code: "key.reuse",
    result: "fail",
    message: `This public key is already used by ${where}. Generate a new key pair for every CSR.`,
  };
}

/**
 * The JWS-key check (issue 18): a TLS key must not also be a JWS signing key (Treezor and Mojaloop
 * want one key for mTLS and another for signing). `hits` are JWS keys with this public key; other
 * organisations' are only counted when a partner asks.
 */
export function jwsKeyCheck(hits: { kind: "jws-key" | "provider-jws-key" | string; id: string; orgCode: string; envCode: string }[], viewerOrgCode: string | null = null): Check {
  if (!hits.length) return { code: "key.jws", result: "pass", message: "This public key is not a JWS signing key." };
  const visible = viewerOrgCode === null ? hits : hits.filter((h) => h.orgCode === viewerOrgCode);
  const parts = visible.slice(0, 3).map((h) => `${h.kind === "provider-jws-key" ? "provider JWS key" : "JWS key"} ${h.id} (${h.orgCode}, ${h.envCode})`);
  if (visible.length < hits.length) parts.push("a JWS key of another organisation");
  return { code: "key.jws", result: "fail", message: `This public key is registered as ${parts.join(" and ")}. Use a different key pair for TLS than for JWS signatures.` };
}

export function accepted(checks: Check[]): boolean {
  return checks.every((c) => c.result !== "fail");
}
