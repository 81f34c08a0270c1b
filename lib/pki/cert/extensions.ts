// Certificate extensions (RFC 5280 §4.2). The ones that are the same for many certificates
// are built once with pkijs; the per-certificate ones (SKI, SAN) are written with the DER
// writer on the hot path — unit tests check both against pkijs byte for byte.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { PkiError } from "./errors";
import { DER_TRUE, TAG, bytesEqual, contextPrimitive, encodeOctetString, encodeOid, sequence, tlv } from "./der";
import { parseIpAddress } from "../ip-address";
import { assertDnsName } from "./san-names";
import { OID } from "@/lib/pki/oids";

export type ExtendedKeyUsage = "clientAuth" | "serverAuth";

const EKU_OIDS: Record<ExtendedKeyUsage, string> = { clientAuth: OID.clientAuth, serverAuth: OID.serverAuth };

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KEY_USAGE = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

const toBytes = (b: asn1js.BaseBlock | pkijs.PkiObject) => new Uint8Array((b instanceof pkijs.PkiObject ? b.toSchema() : b).toBER(false));

/** DER Extension built with pkijs; `critical: false` is omitted (DER DEFAULT rule). */
export function buildExtension(oid: string, critical: boolean, value: asn1js.BaseBlock | pkijs.PkiObject): Uint8Array {
  return toBytes(new pkijs.Extension({ extnID: oid, critical, extnValue: toBytes(value).buffer }));
}

/** Writes an Extension with the DER writer (hot path). */
export function writeExtension(oidDer: Uint8Array, critical: boolean, valueDer: Uint8Array): Uint8Array {
  return critical ? sequence(oidDer, DER_TRUE, encodeOctetString(valueDer)) : sequence(oidDer, encodeOctetString(valueDer));
}

export function basicConstraintsExtension(cA: boolean, pathLength?: number): Uint8Array {
  // Leave pathLenConstraint out entirely when absent: pkijs encodes `undefined` as 0.
  const value = pathLength === undefined ? new pkijs.BasicConstraints({ cA }) : new pkijs.BasicConstraints({ cA, pathLenConstraint: pathLength });
  return buildExtension(OID.basicConstraints, true, value);
}

/** KeyUsage, always critical here (RFC 5280 §4.2.1.3 SHOULD; CA/B BR require it for CAs). */
export function keyUsageExtension(bits: number[]): Uint8Array {
  const highest = Math.max(...bits);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3] |= 0x80 >> (bit & 7);
  // DER named bit lists drop trailing zero bits (X.690 §11.2.2).
  const unusedBits = 7 - (highest & 7);
  return buildExtension(OID.keyUsage, true, new asn1js.BitString({ valueHex: bytes, unusedBits }));
}

export function extendedKeyUsageExtension(usages: readonly ExtendedKeyUsage[]): Uint8Array {
  const unique = [...new Set(usages)];
  if (!unique.length) throw new PkiError("invalid_input", "At least one extended key usage is required");
  for (const u of unique) if (!(u in EKU_OIDS)) throw new PkiError("invalid_input", `Unknown extended key usage ${String(u)}`);
  return buildExtension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: unique.map((u) => EKU_OIDS[u]) }));
}

export function authorityKeyIdExtension(keyId: Uint8Array): Uint8Array {
  return buildExtension(OID.authorityKeyIdentifier, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: keyId }) }));
}

export function subjectKeyIdExtensionPkijs(keyId: Uint8Array): Uint8Array {
  return buildExtension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: keyId }));
}

const SKI_PREFIX = Uint8Array.of(0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14);

/** SubjectKeyIdentifier for a 20-byte key id (hot path; equals subjectKeyIdExtensionPkijs). */
export function subjectKeyIdExtension(keyId: Uint8Array): Uint8Array {
  if (keyId.length !== 20) return subjectKeyIdExtensionPkijs(keyId);
  const out = new Uint8Array(SKI_PREFIX.length + 20);
  out.set(SKI_PREFIX);
  out.set(keyId, SKI_PREFIX.length);
  return out;
}

/** http(s) or ldap URI, printable ASCII only (IA5String, RFC 5280 §4.2.1.13). */
function parsesAsUrl(uri: string): boolean {
  try {
    new URL(uri);
    return true;
  } catch {
    return false;
  }
}

export function assertUri(uri: string, what: string): void {
  if (!/^[\x21-\x7e]+$/.test(uri) || !/^(https?|ldap):\/\//i.test(uri) || !parsesAsUrl(uri)) {
    throw new PkiError("invalid_input", `${what} must be an http(s) or ldap URI in ASCII (percent-encode anything else): ${JSON.stringify(uri)}`);
  }
}

export function crlDistributionPointsExtension(url: string): Uint8Array {
  assertUri(url, "The CRL distribution point");
  const dp = new pkijs.DistributionPoint({ distributionPoint: [new pkijs.GeneralName({ type: 6, value: url })] });
  return buildExtension(OID.cRLDistributionPoints, false, new pkijs.CRLDistributionPoints({ distributionPoints: [dp] }));
}

export function authorityInfoAccessExtension(caIssuersUrl: string): Uint8Array {
  assertUri(caIssuersUrl, "The caIssuers URL");
  const ad = new pkijs.AccessDescription({ accessMethod: OID.caIssuers, accessLocation: new pkijs.GeneralName({ type: 6, value: caIssuersUrl }) });
  return buildExtension(OID.authorityInfoAccess, false, new pkijs.InfoAccess({ accessDescriptions: [ad] }));
}

// ---- subjectAltName (hot path) ----

export { assertDnsName } from "./san-names";

export interface SubjectAltNames {
  dns: string[];
  ip: string[];
}

const SAN_OID = encodeOid(OID.subjectAltName);

/** GeneralNames for the given DNS names then IP addresses, duplicates dropped; undefined when empty. */
export function encodeGeneralNames(sans: SubjectAltNames): Uint8Array | undefined {
  const names: Uint8Array[] = [];
  const seenDns = new Set<string>();
  for (const dns of sans.dns) {
    assertDnsName(dns);
    const key = dns.toLowerCase();
    if (seenDns.has(key)) continue;
    seenDns.add(key);
    const bytes = new Uint8Array(dns.length);
    for (let i = 0; i < dns.length; i++) bytes[i] = dns.charCodeAt(i);
    names.push(tlv(contextPrimitive(2), bytes)); // dNSName [2] IA5String
  }
  const seenIp: Uint8Array[] = [];
  for (const ip of sans.ip) {
    const bytes = parseIpAddress(ip);
    if (seenIp.some((s) => bytesEqual(s, bytes))) continue;
    seenIp.push(bytes);
    names.push(tlv(contextPrimitive(7), bytes)); // iPAddress [7] OCTET STRING, 4 or 16 octets
  }
  return names.length ? tlv(TAG.SEQUENCE, ...names) : undefined;
}

/** subjectAltName; critical when the subject is empty (RFC 5280 §4.2.1.6). */
export function subjectAltNameExtension(generalNames: Uint8Array, critical: boolean): Uint8Array {
  return writeExtension(SAN_OID, critical, generalNames);
}
