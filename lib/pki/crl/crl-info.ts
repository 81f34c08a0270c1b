// A CRL summarised for display and tests. Uses lib/pki's own DER reader: asn1js stops at
// 10,000 nodes by default, which a CRL passes at ~1,250 entries.
import { PkiError } from "../cert/errors";
import { TAG, contextConstructed, readChildren, readSingle, valueBytes } from "../cert/der";
import { decodeTime, readAuthorityKeyId, readExtensionList, readExtensions, splitCertificate } from "../cert/certificate-der";
import { decodeOid, nameToString } from "../cert/name";
import { OID } from "@/lib/pki/oids";
import { serialToHex } from "../cert/serial";
import { verifySignature } from "../cert/signer";
import { REASON_BY_CODE, type RevocationReason } from "./reasons";

export interface CrlEntryInfo {
  serialHex: string;
  revokedAt: Date;
  reason?: RevocationReason | "removeFromCRL";
}

export interface CrlInfo {
  version: number;
  issuerString: string;
  /** The issuer Name DER (compare with the CA certificate's subject). */
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  /** authorityKeyIdentifier keyIdentifier, lower-case hex. */
  aki?: string;
  signatureAlgorithmOid: string;
  entryCount: number;
  entries: CrlEntryInfo[];
  /** The DER TBSCertList and signature, for verification. */
  tbs: Uint8Array;
  signature: Uint8Array;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export function parseCrlInfo(der: Uint8Array): CrlInfo {
  const what = "CRL";
  const outer = readSingle(der, TAG.SEQUENCE, what);
  const [tbs, sigAlg, sigValue] = readChildren(der, outer, what);
  if (!tbs || !sigAlg || sigValue?.tag !== TAG.BIT_STRING) throw new PkiError("invalid_input", "Malformed CRL");
  const fields = readChildren(der, tbs, what);
  let i = 0;
  let version = 1;
  if (fields[0]?.tag === TAG.INTEGER) {
    version = der[fields[0].end - 1] + 1;
    i++;
  }
  const [signature, issuer, thisUpdate] = fields.slice(i, i + 3);
  i += 3;
  if (!thisUpdate) throw new PkiError("invalid_input", "Malformed CRL: bad TBSCertList");
  let nextUpdate: Date | undefined;
  if (fields[i] && (fields[i].tag === TAG.UTC_TIME || fields[i].tag === TAG.GENERALIZED_TIME)) nextUpdate = decodeTime(der, fields[i++]);
  const entries: CrlEntryInfo[] = [];
  if (fields[i]?.tag === TAG.SEQUENCE) {
    for (const entry of readChildren(der, fields[i++], what)) {
      const [serial, revokedAt, exts] = readChildren(der, entry, what);
      const info: CrlEntryInfo = { serialHex: serialToHex(valueBytes(der, serial)), revokedAt: decodeTime(der, revokedAt) };
      if (exts) {
        const reason = readExtensionList(der, exts, what).find((e) => e.oid === OID.cRLReason);
        if (reason) info.reason = REASON_BY_CODE[reason.value[reason.value.length - 1]];
      }
      entries.push(info);
    }
  }
  let crlNumber: bigint | undefined;
  let aki: string | undefined;
  const extWrapper = fields[i];
  if (extWrapper?.tag === contextConstructed(0)) {
    for (const ext of readExtensions(der, extWrapper, what)) {
      if (ext.oid === OID.cRLNumber) {
        const t = readSingle(ext.value, TAG.INTEGER, "cRLNumber");
        crlNumber = BigInt(`0x${hex(valueBytes(ext.value, t)) || "0"}`);
      }
      if (ext.oid === OID.authorityKeyIdentifier) {
        const keyId = readAuthorityKeyId(ext.value);
        aki = keyId && hex(keyId);
      }
    }
  }
  const [sigOid] = readChildren(der, signature, what);
  return {
    version,
    issuerString: nameToString(der.subarray(issuer.start, issuer.end)),
    issuerDer: der.slice(issuer.start, issuer.end),
    thisUpdate: decodeTime(der, thisUpdate),
    nextUpdate,
    crlNumber,
    aki,
    signatureAlgorithmOid: decodeOid(valueBytes(der, sigOid)),
    entryCount: entries.length,
    entries,
    tbs: der.subarray(tbs.start, tbs.end),
    signature: der.subarray(sigValue.valueStart + 1, sigValue.end),
  };
}

/** True when the CRL's issuer is the certificate's subject and its signature verifies with the certificate's key. */
export async function verifyCrlSignature(crlDer: Uint8Array, issuerCertDer: Uint8Array): Promise<boolean> {
  const crl = parseCrlInfo(crlDer);
  const issuer = splitCertificate(issuerCertDer);
  if (hex(crl.issuerDer) !== hex(issuer.subject)) return false;
  return verifySignature(issuer.spki, crl.signatureAlgorithmOid, crl.tbs, crl.signature);
}
