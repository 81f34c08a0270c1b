// A certificate summarised for display (portal pages, API responses, audit rows).
import { toHex } from "../pem";
import { TAG, readChildren, readSingle, valueBytes } from "./der";
import { readAuthorityKeyId, readBasicConstraints, readKeyUsageBits, readSubjectKeyId, splitCertificate } from "./certificate-der";
import { KEY_USAGE } from "./extensions";
import { formatIpAddress } from "../ip-address";
import { decodeOid, nameToString } from "./name";
import { OID } from "@/lib/pki/oids";
import { serialToHex } from "./serial";
import { curveName, inspectSpki } from "./signer";

export interface CertificateInfo {
  /** Upper-case hex without separators, as `openssl x509 -serial` prints it. */
  serialHex: string;
  /** RFC 4514 (= `openssl -nameopt RFC2253`), e.g. "CN=client-01,O=Partner GmbH,C=DE". */
  subjectString: string;
  issuerString: string;
  notBefore: Date;
  notAfter: Date;
  /** Lower-case hex SHA-256 over the SubjectPublicKeyInfo DER (the key pin of RFC 7469). */
  spkiSha256: string;
  /** SHA-256 over the whole certificate DER, upper-case hex pairs joined by ":" (as `openssl x509 -fingerprint -sha256`). */
  sha256Fingerprint: string;
  /** subjectKeyIdentifier, lower-case hex; undefined when absent. */
  ski?: string;
  /** authorityKeyIdentifier keyIdentifier, lower-case hex; undefined when absent. */
  aki?: string;
  isCa: boolean;
  pathLength?: number;
  selfIssued: boolean;
  version: number;
  signatureAlgorithmOid: string;
  publicKey: { algorithm: "rsa" | "ec"; bits: number; curve?: string };
  keyUsage: string[];
  /** "clientAuth", "serverAuth", or the dotted OID of any other purpose. */
  extendedKeyUsage: string[];
  sans: { dns: string[]; ip: string[] };
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const KEY_USAGE_NAMES = Object.fromEntries(Object.entries(KEY_USAGE).map(([name, bit]) => [bit, name])) as Record<number, string>;
const EKU_NAMES: Record<string, string> = { [OID.clientAuth]: "clientAuth", [OID.serverAuth]: "serverAuth" };

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

export async function parseCertificateInfo(der: Uint8Array): Promise<CertificateInfo> {
  const parts = splitCertificate(der);
  const ext = (oid: string) => parts.extensions.find((e) => e.oid === oid)?.value;
  const bcValue = ext(OID.basicConstraints);
  const bc = bcValue ? readBasicConstraints(bcValue) : { cA: false };
  const skiValue = ext(OID.subjectKeyIdentifier);
  const akiValue = ext(OID.authorityKeyIdentifier);
  const akiBytes = akiValue && readAuthorityKeyId(akiValue);
  const kuValue = ext(OID.keyUsage);
  const ekuValue = ext(OID.extKeyUsage);
  const sanValue = ext(OID.subjectAltName);
  const sans = { dns: [] as string[], ip: [] as string[] };
  if (sanValue) {
    for (const gn of readChildren(sanValue, readSingle(sanValue, TAG.SEQUENCE, "subjectAltName"), "subjectAltName")) {
      if (gn.tag === 0x82) sans.dns.push(String.fromCharCode(...valueBytes(sanValue, gn)));
      if (gn.tag === 0x87) sans.ip.push(formatIpAddress(valueBytes(sanValue, gn)) ?? toHex(valueBytes(sanValue, gn)));
    }
  }
  const extendedKeyUsage = ekuValue
    ? readChildren(ekuValue, readSingle(ekuValue, TAG.SEQUENCE, "extKeyUsage"), "extKeyUsage").map((o) => {
        const oid = decodeOid(valueBytes(ekuValue, o));
        return EKU_NAMES[oid] ?? oid;
      })
    : [];
  const spki = inspectSpki(parts.spki);
  const [spkiHash, certHash] = await Promise.all([sha256(parts.spki), sha256(der)]);
  return {
    serialHex: serialToHex(parts.serial),
    subjectString: nameToString(parts.subject),
    issuerString: nameToString(parts.issuer),
    notBefore: parts.notBefore,
    notAfter: parts.notAfter,
    spkiSha256: hex(spkiHash),
    sha256Fingerprint: formatFingerprint(hex(certHash)),
    ski: skiValue ? hex(readSubjectKeyId(skiValue)) : undefined,
    aki: akiBytes ? hex(akiBytes) : undefined,
    isCa: bc.cA,
    pathLength: bc.pathLength,
    selfIssued: hex(parts.subject) === hex(parts.issuer),
    version: parts.version,
    signatureAlgorithmOid: parts.signatureAlgorithmOid,
    publicKey: { algorithm: spki.algorithm, bits: spki.bits, curve: curveName(spki.curveOid) },
    keyUsage: kuValue ? readKeyUsageBits(kuValue).map((b) => KEY_USAGE_NAMES[b] ?? `bit${b}`) : [],
    extendedKeyUsage,
    sans,
  };
}

/** A certificate fingerprint as stored and shown (and as `openssl x509 -fingerprint -sha256` writes it): upper-case hex pairs joined by ":". */
export function formatFingerprint(hexDigest: string): string {
  return hexDigest.toUpperCase().replace(/(..)(?!$)/g, "$1:");
}
