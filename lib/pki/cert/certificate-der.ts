// Splits a DER certificate into the exact byte ranges issuance and display need, without
// re-encoding anything (the issuer Name in particular must be copied byte for byte).
import { PkiError } from "./errors";
import { TAG, contextConstructed, readChildren, readSingle, tlvBytes, valueBytes, type Tlv } from "./der";
import { decodeOid } from "./name";

export interface CertificateExtension {
  oid: string;
  critical: boolean;
  /** Contents of extnValue (the DER of the extension's own ASN.1 type). */
  value: Uint8Array;
}

export interface CertificateParts {
  tbs: Uint8Array;
  version: number;
  /** DER INTEGER content octets. */
  serial: Uint8Array;
  signatureAlgorithmOid: string;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  extensions: CertificateExtension[];
  /** Signature bits (BIT STRING contents without the unused-bits octet). */
  signature: Uint8Array;
}

export function decodeTime(buf: Uint8Array, t: Tlv): Date {
  const s = String.fromCharCode(...valueBytes(buf, t));
  const m =
    t.tag === TAG.UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : t.tag === TAG.GENERALIZED_TIME ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (!m) throw new PkiError("invalid_input", `Unsupported time encoding ${JSON.stringify(s)}`);
  let year = Number(m[1]);
  if (t.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900; // RFC 5280 §4.1.2.5.1
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function algorithmOid(buf: Uint8Array, t: Tlv, what: string): string {
  const [oid] = t.tag === TAG.SEQUENCE ? readChildren(buf, t, what) : [];
  if (!oid || oid.tag !== TAG.OID) throw new PkiError("invalid_input", `Malformed ${what}: bad AlgorithmIdentifier`);
  return decodeOid(valueBytes(buf, oid));
}

/** Extensions inside an EXPLICIT wrapper ([3] in certificates, [0] in CRLs). */
export function readExtensions(buf: Uint8Array, wrapper: Tlv, what: string): CertificateExtension[] {
  const [seq, extra] = readChildren(buf, wrapper, what);
  if (!seq || extra) throw new PkiError("invalid_input", `Malformed ${what}: bad extensions`);
  return readExtensionList(buf, seq, what);
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension */
export function readExtensionList(buf: Uint8Array, seq: Tlv, what: string): CertificateExtension[] {
  if (seq.tag !== TAG.SEQUENCE) throw new PkiError("invalid_input", `Malformed ${what}: bad extensions`);
  return readChildren(buf, seq, what).map((ext) => {
    const parts = readChildren(buf, ext, what);
    const critical = parts.length === 3 && parts[1].tag === TAG.BOOLEAN && buf[parts[1].valueStart] !== 0;
    const value = parts[parts.length - 1];
    if (parts[0]?.tag !== TAG.OID || value?.tag !== TAG.OCTET_STRING) throw new PkiError("invalid_input", `Malformed ${what}: bad extension`);
    return { oid: decodeOid(valueBytes(buf, parts[0])), critical, value: valueBytes(buf, value) };
  });
}

export function splitCertificate(der: Uint8Array): CertificateParts {
  const what = "certificate";
  const outer = readSingle(der, TAG.SEQUENCE, what);
  const [tbs, sigAlg, sigValue, ...rest] = readChildren(der, outer, what);
  if (!tbs || !sigAlg || !sigValue || rest.length || tbs.tag !== TAG.SEQUENCE || sigValue.tag !== TAG.BIT_STRING) {
    throw new PkiError("invalid_input", "Malformed certificate");
  }
  const fields = readChildren(der, tbs, what);
  let i = 0;
  let version = 1;
  if (fields[0]?.tag === contextConstructed(0)) {
    const [v] = readChildren(der, fields[0], what);
    version = der[v.end - 1] + 1;
    i = 1;
  }
  const [serial, signature, issuer, validity, subject, spki] = fields.slice(i, i + 6);
  if (!spki || serial.tag !== TAG.INTEGER || issuer.tag !== TAG.SEQUENCE || validity.tag !== TAG.SEQUENCE || subject.tag !== TAG.SEQUENCE || spki.tag !== TAG.SEQUENCE) {
    throw new PkiError("invalid_input", "Malformed certificate: bad TBSCertificate");
  }
  const [notBefore, notAfter] = readChildren(der, validity, what);
  const extWrapper = fields.slice(i + 6).find((f) => f.tag === contextConstructed(3));
  const sigOid = algorithmOid(der, signature, what);
  if (sigOid !== algorithmOid(der, sigAlg, what)) throw new PkiError("invalid_input", "Malformed certificate: signature algorithms differ");
  return {
    tbs: tlvBytes(der, tbs),
    version,
    serial: valueBytes(der, serial),
    signatureAlgorithmOid: sigOid,
    issuer: tlvBytes(der, issuer),
    subject: tlvBytes(der, subject),
    notBefore: decodeTime(der, notBefore),
    notAfter: decodeTime(der, notAfter),
    spki: tlvBytes(der, spki),
    extensions: extWrapper ? readExtensions(der, extWrapper, what) : [],
    signature: der.subarray(sigValue.valueStart + 1, sigValue.end),
  };
}

/** keyIdentifier from a SubjectKeyIdentifier extension value (OCTET STRING). */
export function readSubjectKeyId(value: Uint8Array): Uint8Array {
  const t = readSingle(value, TAG.OCTET_STRING, "subjectKeyIdentifier");
  return valueBytes(value, t);
}

/** keyIdentifier [0] from an AuthorityKeyIdentifier extension value, if present. */
export function readAuthorityKeyId(value: Uint8Array): Uint8Array | undefined {
  const seq = readSingle(value, TAG.SEQUENCE, "authorityKeyIdentifier");
  const keyId = readChildren(value, seq, "authorityKeyIdentifier").find((c) => c.tag === 0x80);
  return keyId && valueBytes(value, keyId);
}

/** cA and pathLenConstraint from a BasicConstraints extension value. */
export function readBasicConstraints(value: Uint8Array): { cA: boolean; pathLength?: number } {
  const seq = readSingle(value, TAG.SEQUENCE, "basicConstraints");
  let cA = false;
  let pathLength: number | undefined;
  for (const c of readChildren(value, seq, "basicConstraints")) {
    if (c.tag === TAG.BOOLEAN) cA = value[c.valueStart] !== 0;
    if (c.tag === TAG.INTEGER) pathLength = Array.from(valueBytes(value, c)).reduce((a, b) => a * 256 + b, 0);
  }
  return { cA, pathLength };
}

/** Named bits set in a KeyUsage BIT STRING (bit 0 = digitalSignature … bit 8 = decipherOnly). */
export function readKeyUsageBits(value: Uint8Array): number[] {
  const t = readSingle(value, TAG.BIT_STRING, "keyUsage");
  const bytes = value.subarray(t.valueStart + 1, t.end);
  const bits: number[] = [];
  bytes.forEach((b, i) => {
    for (let j = 0; j < 8; j++) if (b & (0x80 >> j)) bits.push(i * 8 + j);
  });
  return bits;
}
