// The subject a certificate gets, rebuilt from the CSR's decoded subject: never the partner's
// bytes. Only attribute types on the whitelist below are certified, each with its RFC 5280
// Appendix A upper bound and string type:
//   - DirectoryString attributes as PrintableString when the value fits its alphabet, else
//     UTF8String (RFC 5280 §4.1.2.4: "CAs conforming to this profile MUST use either the
//     PrintableString or UTF8String encoding of DirectoryString");
//   - countryName and serialNumber as PrintableString (X520countryName, X520SerialNumber);
//   - emailAddress and domainComponent as IA5String (PKCS #9, RFC 4519 §2.4).
// Empty values, values over their bound, control characters, unpaired surrogates and values that
// are not strings are refused, each with a problem naming the attribute. Every attribute gets an
// RDN of its own, in the CSR's order (a multi-valued RDN CN=a+O=b becomes CN=a, O=b).
// Pure: runs in the browser for live checks.
import { findControlCharacter, describeCodePoint, isSurrogate } from "@/lib/control-characters";
import { TAG, concat, encodeOid, tlv } from "@/lib/pki/cert/der";
import { PRINTABLE_ALPHABET, type StringValueType, escapeRfc4514 } from "@/lib/pki/csr/strings";

type Syntax = "directory" | "printable" | "ia5";

type AttributeSpec = { name: string; syntax: Syntax; max: number; exact?: RegExp; rule?: string };

/**
 * The attribute types a certificate subject may carry (the names profiles constrain,
 * lib/policy/profile.ts SUBJECT_ATTRIBUTES). Bounds: RFC 5280 Appendix A (ub-common-name 64,
 * ub-organization-name 64, ub-organizational-unit-name 64, ub-locality-name 128, ub-state-name 128,
 * ub-title 64, ub-serial-number 64, ub-emailaddress-length 255, ub-name 32768 for surname and
 * givenName); X.520 ub-street-address 128; RFC 1274 ub-user-identifier 256; a DNS label's 63 octets
 * (RFC 1035 §2.3.4) for domainComponent.
 */
export const SUBJECT_ATTRIBUTE_SPECS: Readonly<Record<string, AttributeSpec>> = {
  "2.5.4.3": { name: "CN", syntax: "directory", max: 64 },
  "2.5.4.4": { name: "SN", syntax: "directory", max: 32768 },
  "2.5.4.5": { name: "serialNumber", syntax: "printable", max: 64 },
  "2.5.4.6": { name: "C", syntax: "printable", max: 2, exact: /^[A-Z]{2}$/, rule: "two upper-case letters (an ISO 3166 country code)" },
  "2.5.4.7": { name: "L", syntax: "directory", max: 128 },
  "2.5.4.8": { name: "ST", syntax: "directory", max: 128 },
  "2.5.4.9": { name: "street", syntax: "directory", max: 128 },
  "2.5.4.10": { name: "O", syntax: "directory", max: 64 },
  "2.5.4.11": { name: "OU", syntax: "directory", max: 64 },
  "2.5.4.12": { name: "title", syntax: "directory", max: 64 },
  "2.5.4.42": { name: "GN", syntax: "directory", max: 32768 },
  "1.2.840.113549.1.9.1": { name: "emailAddress", syntax: "ia5", max: 255 },
  "0.9.2342.19200300.100.1.1": { name: "UID", syntax: "directory", max: 256 },
  "0.9.2342.19200300.100.1.25": { name: "DC", syntax: "ia5", max: 63, exact: /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/, rule: "one DNS label (letters, digits and inner hyphens)" },
};

/** The string types whose decoding is exact here (lib/pki/csr/strings.ts); TeletexString only when plain ASCII. */
const DECODED_TYPES: ReadonlySet<StringValueType> = new Set(["utf8String", "printableString", "ia5String", "bmpString", "universalString", "visibleString", "numericString", "teletexString"]);

export type DecodedAttribute = { oid: string; name: string; value: string; valueType: StringValueType };

/** One attribute as the certificate will carry it. */
export type CertifiedAttribute = { oid: string; name: string; value: string; valueType: "utf8String" | "printableString" | "ia5String" };

export type SubjectProblem = { attribute: string; message: string };

export type CertificateSubject =
  | { ok: true; der: Uint8Array; attributes: CertifiedAttribute[]; string: string }
  | { ok: false; problems: SubjectProblem[] };

const encoder = new TextEncoder();

function asciiBytes(value: string): Uint8Array {
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i);
  return out;
}

/** Characters as people count them (code points), which is how RFC 5280's SIZE bounds count. */
const characters = (v: string) => [...v].length;

function certify(a: DecodedAttribute): { attribute: CertifiedAttribute; der: Uint8Array } | SubjectProblem {
  const spec = SUBJECT_ATTRIBUTE_SPECS[a.oid];
  const label = spec?.name ?? a.name;
  const problem = (message: string): SubjectProblem => ({ attribute: label, message: `${label}: ${message}` });
  if (!spec) return problem(`the attribute type ${a.oid === a.name ? a.oid : `${a.name} (${a.oid})`} is not one Keyport certifies; allowed: ${Object.values(SUBJECT_ATTRIBUTE_SPECS).map((s) => s.name).join(", ")}.`);
  if (a.valueType === "other" || !DECODED_TYPES.has(a.valueType)) return problem("the value is not a character string (found an ASN.1 value of another type); create the CSR again with a text value.");
  const value = a.value;
  if (a.valueType === "teletexString" && !/^[\x20-\x7e]*$/.test(value)) {
    return problem("the value is a TeletexString (T.61) with characters beyond ASCII, which software decodes differently; use UTF8String.");
  }
  if (value.length === 0) return problem("the value is empty; give a value or leave the attribute out.");
  const control = findControlCharacter(value);
  if (control) {
    return problem(
      isSurrogate(control.code)
        ? `the value holds an unpaired UTF-16 surrogate (${describeCodePoint(control.code).split(" ")[0]}), which is not a character.`
        : `the value holds the control character ${describeCodePoint(control.code)}.`,
    );
  }
  if (spec.exact && !spec.exact.test(value)) return problem(`${JSON.stringify(value.slice(0, 80))} is not ${spec.rule}.`);
  const length = characters(value);
  if (length > spec.max) return problem(`the value has ${length} characters; at most ${spec.max} are allowed (RFC 5280 Appendix A).`);

  let valueType: CertifiedAttribute["valueType"];
  let encoded: Uint8Array;
  if (spec.syntax === "ia5") {
    if (!/^[\x20-\x7e]*$/.test(value)) return problem(`the value must be ASCII (IA5String); ${JSON.stringify(value)} is not.`);
    valueType = "ia5String";
    encoded = tlv(TAG.IA5_STRING, asciiBytes(value));
  } else if (PRINTABLE_ALPHABET.test(value)) {
    valueType = "printableString";
    encoded = tlv(TAG.PRINTABLE_STRING, asciiBytes(value));
  } else if (spec.syntax === "printable") {
    return problem(`the value must be a PrintableString (A–Z a–z 0–9 space ' ( ) + , - . / : = ?); ${JSON.stringify(value)} is not.`);
  } else {
    valueType = "utf8String";
    encoded = tlv(TAG.UTF8_STRING, encoder.encode(value));
  }
  const der = tlv(TAG.SET, tlv(TAG.SEQUENCE, encodeOid(a.oid), encoded));
  return { attribute: { oid: a.oid, name: spec.name, value, valueType }, der };
}

/**
 * The certificate subject for a CSR's decoded subject (RDNs in encoded order), or every problem
 * that prevents one. `string` is what officers and the audit trail see: "C=NO, O=Acme, CN=acme"
 * (encoded order, RFC 4514 escaping), exactly the attributes `der` holds.
 */
export function buildCertificateSubject(rdns: readonly (readonly DecodedAttribute[])[]): CertificateSubject {
  const parts: Uint8Array[] = [];
  const attributes: CertifiedAttribute[] = [];
  const problems: SubjectProblem[] = [];
  for (const a of rdns.flat()) {
    const r = certify(a);
    if ("message" in r) problems.push(r);
    else {
      parts.push(r.der);
      attributes.push(r.attribute);
    }
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    der: tlv(TAG.SEQUENCE, concat(parts)),
    attributes,
    string: attributes.map((a) => `${a.name}=${escapeRfc4514(a.value, a.valueType)}`).join(", "),
  };
}
