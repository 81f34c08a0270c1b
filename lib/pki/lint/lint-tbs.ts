// Pre-issuance lints (issue 15 item 4): RFC 5280 rules checked on the unsigned TBSCertificate,
// after the template is filled and before anything is signed — zlint/pkilint do not install
// offline, so the rules Keyport's leaves must meet are here, each under a stable name. A failing
// lint stops issuance with its name (lib/ca/authority.ts); officers see the draft's lints on the
// review page. Pure: reads bytes, returns plain objects.
import { OID } from "@/lib/pki/oids";
import { TAG, bytesEqual, contextConstructed, readChildren, readSingle, tlvBytes, valueBytes, type Tlv } from "@/lib/pki/cert/der";
import { decodeTime, readAuthorityKeyId, readBasicConstraints, readExtensions, readKeyUsageBits, readSubjectKeyId, splitCertificate, type CertificateExtension } from "@/lib/pki/cert/certificate-der";
import { decodeOid } from "@/lib/pki/cert/name";
import { inspectSpki } from "@/lib/pki/cert/signer";
import { dnsNameProblem } from "@/lib/pki/cert/san-names";

export type LintResult = { name: string; result: "pass" | "fail"; message: string };

export interface LintContext {
  /** The issuing CA's certificate: its subject, SKI and validity bound what it signs. */
  issuerCertDer: Uint8Array;
  /** The EKUs the profile asks for. */
  extendedKeyUsage: readonly ("clientAuth" | "serverAuth")[];
}

/** Every lint's name, in the order they run (stable: stored and shown). */
export const LINT_NAMES = [
  "lint.serial.positive",
  "lint.validity.encoding",
  "lint.validity.within-issuer",
  "lint.name.string-types",
  "lint.issuer.matches-ca",
  "lint.extensions.unique",
  "lint.basic-constraints.critical",
  "lint.key-usage.critical",
  "lint.key-usage.key-type",
  "lint.eku.profile",
  "lint.san.syntax",
  "lint.aki.issuer-ski",
  "lint.ski.present",
  "lint.urls.http-ascii",
] as const;
export type LintName = (typeof LINT_NAMES)[number];

const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;
const EKU_OID = { clientAuth: OID.clientAuth, serverAuth: OID.serverAuth } as const;
const STRING = { UTF8: 0x0c, PRINTABLE: 0x13, IA5: 0x16 } as const;
/** RFC 5280 Appendix A: attributes whose value is not a DirectoryString. */
const FIXED_STRING: Record<string, number> = { "2.5.4.6": STRING.PRINTABLE, "2.5.4.5": STRING.PRINTABLE, "1.2.840.113549.1.9.1": STRING.IA5, "0.9.2342.19200300.100.1.25": STRING.IA5 };
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

type Tbs = {
  buf: Uint8Array;
  serial: Tlv;
  signature: Tlv;
  issuer: Tlv;
  notBefore: Tlv;
  notAfter: Tlv;
  subject: Tlv;
  spki: Tlv;
  extensions: CertificateExtension[];
};

function readTbs(tbs: Uint8Array): Tbs {
  const what = "TBSCertificate";
  const outer = readSingle(tbs, TAG.SEQUENCE, what);
  const fields = readChildren(tbs, outer, what);
  const i = fields[0]?.tag === contextConstructed(0) ? 1 : 0;
  const [serial, signature, issuer, validity, subject, spki] = fields.slice(i, i + 6);
  if (!spki) throw new Error("TBSCertificate is missing fields");
  const [notBefore, notAfter] = readChildren(tbs, validity, what);
  const ext = fields.slice(i + 6).find((f) => f.tag === contextConstructed(3));
  return { buf: tbs, serial, signature, issuer, notBefore, notAfter, subject, spki, extensions: ext ? readExtensions(tbs, ext, what) : [] };
}

const pass = (name: LintName, message: string): LintResult => ({ name, result: "pass", message });
const fail = (name: LintName, message: string): LintResult => ({ name, result: "fail", message });

/** RFC 5280 §4.1.2.2: positive, at most 20 octets, minimally encoded (X.690 §8.3.2). */
function lintSerial(t: Tbs): LintResult {
  const name = "lint.serial.positive";
  if (t.serial.tag !== TAG.INTEGER) return fail(name, "The serial number is not an INTEGER.");
  const v = valueBytes(t.buf, t.serial);
  if (v.length === 0) return fail(name, "The serial number is empty.");
  if (v[0] & 0x80) return fail(name, "The serial number is negative (RFC 5280 §4.1.2.2: it must be positive).");
  if (v.length > 1 && v[0] === 0 && !(v[1] & 0x80)) return fail(name, "The serial number is not minimally encoded (a leading zero octet).");
  if (v.every((b) => b === 0)) return fail(name, "The serial number is zero (RFC 5280 §4.1.2.2: it must be positive).");
  if (v.length > 20) return fail(name, `The serial number has ${v.length} octets; RFC 5280 §4.1.2.2 allows at most 20.`);
  return pass(name, `Serial number positive, ${v.length} octets.`);
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both in Zulu with seconds. */
function lintValidityEncoding(t: Tbs): LintResult {
  const name = "lint.validity.encoding";
  for (const [label, tlv] of [["notBefore", t.notBefore], ["notAfter", t.notAfter]] as const) {
    let when: Date;
    try {
      when = decodeTime(t.buf, tlv);
    } catch {
      return fail(name, `${label} is not a UTCTime or GeneralizedTime of the form YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ (RFC 5280 §4.1.2.5).`);
    }
    const year = when.getUTCFullYear();
    const want = year < 2050 ? TAG.UTC_TIME : TAG.GENERALIZED_TIME;
    if (tlv.tag !== want) return fail(name, `${label} (${year}) is encoded as ${tlv.tag === TAG.UTC_TIME ? "UTCTime" : "GeneralizedTime"}; RFC 5280 §4.1.2.5 requires ${want === TAG.UTC_TIME ? "UTCTime through 2049" : "GeneralizedTime from 2050"}.`);
  }
  return pass(name, "Validity times use UTCTime through 2049 and GeneralizedTime from 2050.");
}

function lintValidityWithinIssuer(t: Tbs, issuer: ReturnType<typeof splitCertificate>): LintResult {
  const name = "lint.validity.within-issuer";
  const notBefore = decodeTime(t.buf, t.notBefore);
  const notAfter = decodeTime(t.buf, t.notAfter);
  if (notAfter.getTime() <= notBefore.getTime()) return fail(name, `notAfter ${notAfter.toISOString()} is not after notBefore ${notBefore.toISOString()}.`);
  if (notAfter.getTime() > issuer.notAfter.getTime()) return fail(name, `notAfter ${notAfter.toISOString()} is past the issuing CA's notAfter ${issuer.notAfter.toISOString()}: a certificate must not outlive its issuer.`);
  return pass(name, `Valid ${notBefore.toISOString()} → ${notAfter.toISOString()}, within the issuing CA's validity.`);
}

/** The string types of every attribute value in a Name: what lib/pki/name/certificate-subject.ts writes. */
function nameStringProblems(buf: Uint8Array, name: Tlv, label: string): string[] {
  const problems: string[] = [];
  for (const rdn of readChildren(buf, name, label)) {
    if (rdn.tag !== TAG.SET) {
      problems.push(`${label}: an RDN is not a SET`);
      continue;
    }
    for (const atv of readChildren(buf, rdn, label)) {
      const [type, value] = readChildren(buf, atv, label);
      if (type?.tag !== TAG.OID || !value) {
        problems.push(`${label}: a malformed attribute`);
        continue;
      }
      const oid = decodeOid(valueBytes(buf, type));
      const text = String.fromCharCode(...valueBytes(buf, value));
      const fixed = FIXED_STRING[oid];
      if (fixed !== undefined ? value.tag !== fixed : value.tag !== STRING.UTF8 && value.tag !== STRING.PRINTABLE) {
        problems.push(`${label} attribute ${oid} has string tag 0x${value.tag.toString(16)}; RFC 5280 §4.1.2.4 wants ${fixed === STRING.IA5 ? "IA5String" : fixed === STRING.PRINTABLE ? "PrintableString" : "PrintableString or UTF8String"}`);
      } else if (value.tag === STRING.PRINTABLE && !PRINTABLE.test(text)) {
        problems.push(`${label} attribute ${oid} is a PrintableString holding characters outside its alphabet`);
      } else if (value.end === value.valueStart) {
        problems.push(`${label} attribute ${oid} is empty`);
      }
    }
  }
  return problems;
}

function lintStringTypes(t: Tbs): LintResult {
  const name = "lint.name.string-types";
  const problems = [...nameStringProblems(t.buf, t.subject, "subject"), ...nameStringProblems(t.buf, t.issuer, "issuer")];
  return problems.length ? fail(name, `${problems.join("; ")}.`) : pass(name, "Subject and issuer values use PrintableString, UTF8String or the fixed types of RFC 5280 Appendix A.");
}

function lintIssuer(t: Tbs, issuer: ReturnType<typeof splitCertificate>): LintResult {
  const name = "lint.issuer.matches-ca";
  return bytesEqual(tlvBytes(t.buf, t.issuer), issuer.subject)
    ? pass(name, "The issuer field is the issuing CA's subject, byte for byte (RFC 5280 §4.1.2.4 name chaining).")
    : fail(name, "The issuer field differs from the issuing CA's subject bytes: relying parties could not chain the certificate (RFC 5280 §4.1.2.4).");
}

function lintUnique(t: Tbs): LintResult {
  const name = "lint.extensions.unique";
  const seen = new Set<string>();
  const dup = t.extensions.find((e) => (seen.has(e.oid) ? true : (seen.add(e.oid), false)));
  return dup ? fail(name, `Extension ${dup.oid} appears more than once (RFC 5280 §4.2).`) : pass(name, `${t.extensions.length} extensions, each once.`);
}

const ext = (t: Tbs, oid: string) => t.extensions.find((e) => e.oid === oid);

function lintBasicConstraints(t: Tbs): LintResult {
  const name = "lint.basic-constraints.critical";
  const bc = ext(t, OID.basicConstraints);
  if (!bc) return fail(name, "basicConstraints is missing.");
  const { cA } = readBasicConstraints(bc.value);
  if (cA) return fail(name, "basicConstraints says cA for an end-entity certificate.");
  if (!bc.critical) return fail(name, "basicConstraints is not critical.");
  return pass(name, "basicConstraints cA:FALSE, critical.");
}

function lintKeyUsageCritical(t: Tbs): LintResult {
  const name = "lint.key-usage.critical";
  const ku = ext(t, OID.keyUsage);
  if (!ku) return fail(name, "keyUsage is missing.");
  return ku.critical ? pass(name, "keyUsage is present and critical.") : fail(name, "keyUsage is not critical (RFC 5280 §4.2.1.3: conforming CAs SHOULD mark it critical).");
}

function lintKeyUsageKeyType(t: Tbs): LintResult {
  const name = "lint.key-usage.key-type";
  const ku = ext(t, OID.keyUsage);
  if (!ku) return fail(name, "keyUsage is missing.");
  const bits = readKeyUsageBits(ku.value);
  const key = inspectSpki(tlvBytes(t.buf, t.spki));
  if (!bits.includes(KU.digitalSignature)) return fail(name, "keyUsage lacks digitalSignature, which TLS client and server authentication need.");
  if (bits.includes(KU.keyCertSign) || bits.includes(KU.cRLSign)) return fail(name, "keyUsage of an end-entity certificate includes keyCertSign or cRLSign.");
  const allowed: number[] = key.algorithm === "rsa" ? [KU.digitalSignature, KU.keyEncipherment] : [KU.digitalSignature];
  const extra = bits.filter((b) => !allowed.includes(b));
  if (extra.length) return fail(name, `keyUsage bit${extra.length > 1 ? "s" : ""} ${extra.join(", ")} ${key.algorithm === "ec" && extra.includes(KU.keyEncipherment) ? "(keyEncipherment) " : ""}do not fit ${key.algorithm === "rsa" ? "an RSA" : "an EC"} key (RFC 8813 for EC: no keyEncipherment).`);
  return pass(name, `keyUsage fits the ${key.algorithm.toUpperCase()} key.`);
}

function lintEku(t: Tbs, ctx: LintContext): LintResult {
  const name = "lint.eku.profile";
  const eku = ext(t, OID.extKeyUsage);
  if (!eku) return fail(name, "extKeyUsage is missing.");
  const seq = readSingle(eku.value, TAG.SEQUENCE, "extKeyUsage");
  const oids = readChildren(eku.value, seq, "extKeyUsage").map((c) => decodeOid(valueBytes(eku.value, c)));
  const want = ctx.extendedKeyUsage.map((u) => EKU_OID[u]);
  if (oids.length !== want.length || want.some((o) => !oids.includes(o))) return fail(name, `extKeyUsage is ${oids.join(", ") || "empty"}; the profile asks for ${ctx.extendedKeyUsage.join(", ")}.`);
  return pass(name, `extKeyUsage ${ctx.extendedKeyUsage.join(", ")}, as the profile says.`);
}

function lintSan(t: Tbs): LintResult {
  const name = "lint.san.syntax";
  const san = ext(t, OID.subjectAltName);
  const emptySubject = readChildren(t.buf, t.subject, "subject").length === 0;
  if (!san) return emptySubject ? fail(name, "The subject is empty and there is no subjectAltName (RFC 5280 §4.2.1.6).") : pass(name, "No subjectAltName.");
  const seq = readSingle(san.value, TAG.SEQUENCE, "subjectAltName");
  const names = readChildren(san.value, seq, "subjectAltName");
  if (!names.length) return fail(name, "subjectAltName is empty (RFC 5280 §4.2.1.6: SIZE (1..MAX)).");
  if (emptySubject && !san.critical) return fail(name, "The subject is empty but subjectAltName is not critical (RFC 5280 §4.2.1.6).");
  for (const gn of names) {
    const v = valueBytes(san.value, gn);
    if (gn.tag === 0x82) {
      const problem = dnsNameProblem(String.fromCharCode(...v));
      if (problem) return fail(name, problem);
    } else if (gn.tag === 0x87) {
      if (v.length !== 4 && v.length !== 16) return fail(name, `An iPAddress SAN has ${v.length} octets; it must have 4 or 16 (RFC 5280 §4.2.1.6).`);
    } else {
      return fail(name, `subjectAltName holds a GeneralName of tag 0x${gn.tag.toString(16)}; Keyport issues DNS and IP names only.`);
    }
  }
  return pass(name, `${names.length} subjectAltName entr${names.length === 1 ? "y" : "ies"}, each a valid DNS name or IP address${emptySubject ? "; critical, as the subject is empty" : ""}.`);
}

function lintAki(t: Tbs, issuer: ReturnType<typeof splitCertificate>): LintResult {
  const name = "lint.aki.issuer-ski";
  const aki = ext(t, OID.authorityKeyIdentifier);
  if (!aki) return fail(name, "authorityKeyIdentifier is missing (RFC 5280 §4.2.1.1).");
  const keyId = readAuthorityKeyId(aki.value);
  const issuerSki = ext({ ...t, extensions: issuer.extensions }, OID.subjectKeyIdentifier);
  if (!keyId) return fail(name, "authorityKeyIdentifier has no keyIdentifier.");
  if (issuerSki && !bytesEqual(keyId, readSubjectKeyId(issuerSki.value))) return fail(name, "authorityKeyIdentifier differs from the issuing CA's subjectKeyIdentifier.");
  return pass(name, "authorityKeyIdentifier is the issuing CA's subjectKeyIdentifier.");
}

function lintSki(t: Tbs): LintResult {
  const name = "lint.ski.present";
  const ski = ext(t, OID.subjectKeyIdentifier);
  if (!ski) return fail(name, "subjectKeyIdentifier is missing (RFC 5280 §4.2.1.2).");
  if (ski.critical) return fail(name, "subjectKeyIdentifier is critical (RFC 5280 §4.2.1.2: MUST NOT be).");
  return readSubjectKeyId(ski.value).length ? pass(name, "subjectKeyIdentifier present, not critical.") : fail(name, "subjectKeyIdentifier is empty.");
}

/** Every [6] uniformResourceIdentifier under a value (CRL DP and AIA hold them at different depths). */
function urisIn(buf: Uint8Array, t: Tlv, out: string[] = [], depth = 0): string[] {
  if (t.tag === 0x86) out.push(String.fromCharCode(...valueBytes(buf, t)));
  else if (t.tag & 0x20 && depth < 8) for (const c of readChildren(buf, t, "URL")) urisIn(buf, c, out, depth + 1);
  return out;
}

function lintUrls(t: Tbs): LintResult {
  const name = "lint.urls.http-ascii";
  const urls: string[] = [];
  for (const oid of [OID.cRLDistributionPoints, OID.authorityInfoAccess]) {
    const e = ext(t, oid);
    if (e) urisIn(e.value, readSingle(e.value, TAG.SEQUENCE, oid), urls);
  }
  for (const url of urls) {
    if (!/^[\x21-\x7e]+$/.test(url)) return fail(name, `The URL ${JSON.stringify(url)} is not printable ASCII (RFC 5280 §4.2.1.13, §4.2.2.1).`);
    if (!/^https?:\/\/[^/?#]+/i.test(url)) return fail(name, `The URL ${url} is not http(s); relying parties fetch CRLs and CA certificates over HTTP (RFC 5280 §4.2.1.13).`);
  }
  return pass(name, urls.length ? `CRL and AIA URLs are http(s) ASCII: ${urls.join(", ")}.` : "No CRL or AIA URLs.");
}

/**
 * Every lint on an unsigned leaf TBSCertificate. A TBS that cannot be read fails one lint
 * (lint.serial.positive, the first) with the reader's words; the rest still run where they can.
 */
export function lintLeafTbs(tbs: Uint8Array, ctx: LintContext): LintResult[] {
  let t: Tbs;
  let issuer: ReturnType<typeof splitCertificate>;
  try {
    t = readTbs(tbs);
    issuer = splitCertificate(ctx.issuerCertDer);
  } catch (e) {
    return [fail("lint.serial.positive", `The TBSCertificate cannot be read: ${e instanceof Error ? e.message : String(e)}.`)];
  }
  const lints: ((t: Tbs) => LintResult)[] = [
    lintSerial,
    lintValidityEncoding,
    (x) => lintValidityWithinIssuer(x, issuer),
    lintStringTypes,
    (x) => lintIssuer(x, issuer),
    lintUnique,
    lintBasicConstraints,
    lintKeyUsageCritical,
    lintKeyUsageKeyType,
    (x) => lintEku(x, ctx),
    lintSan,
    (x) => lintAki(x, issuer),
    lintSki,
    lintUrls,
  ];
  return lints.map((lint, i) => {
    try {
      return lint(t);
    } catch (e) {
      return fail(LINT_NAMES[i], `Could not be checked: ${e instanceof Error ? e.message : String(e)}.`);
    }
  });
}

export const lintsPass = (lints: LintResult[]) => lints.every((l) => l.result === "pass");
