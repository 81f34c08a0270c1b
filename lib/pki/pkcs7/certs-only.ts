// PKCS#7 / CMS "certs-only" messages (.p7b, .p7c): a degenerate SignedData with no content and
// no signers that only carries certificates (RFC 5652 §5, RFC 8551 §3.2.2 certs-only).
import * as pkijs from "pkijs";
import { PkiError } from "../cert/errors";
import { TAG, contextConstructed, readChildren, readSingle, valueBytes } from "../cert/der";
import { decodeOid } from "../cert/name";
import { OID } from "@/lib/pki/oids";
import { pemDecodeAll, pemEncode, toArrayBuffer } from "../pem";


/** DER ContentInfo { signedData { version 1, no digestAlgorithms, id-data without content, certificates (in the given order), no signerInfos } }. */
export function buildCertsOnlyPkcs7(certificatesDer: readonly Uint8Array[]): Uint8Array {
  if (!certificatesDer.length) throw new PkiError("invalid_input", "A PKCS#7 bundle needs at least one certificate");
  const certificates = certificatesDer.map((der, i) => {
    try {
      return pkijs.Certificate.fromBER(toArrayBuffer(der));
    } catch {
      throw new PkiError("invalid_input", `Certificate ${i} is not a DER X.509 certificate`);
    }
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.pkcs7Data }),
    certificates,
    signerInfos: [],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.pkcs7SignedData, content: signedData.toSchema() });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/** PEM with the "PKCS7" label that `openssl pkcs7` reads by default (RFC 7468 §8 also allows "CMS"). */
export function pkcs7ToPem(der: Uint8Array): string {
  return pemEncode("PKCS7", der);
}

/** The certificates inside a PKCS#7 SignedData (DER or PEM "PKCS7"/"CMS"), in order, byte for byte. */
export function readPkcs7Certificates(input: Uint8Array | string): Uint8Array[] {
  let der: Uint8Array;
  if (typeof input === "string") {
    const block = pemDecodeAll(input).find((b) => b.valid && (b.label === "PKCS7" || b.label === "CMS"));
    if (!block) throw new PkiError("invalid_input", "No PKCS7 PEM block found");
    der = block.der;
  } else {
    der = input;
  }
  // Read with the DER reader so the certificates come back exactly as stored.
  const what = "PKCS#7";
  const ci = readSingle(der, TAG.SEQUENCE, what);
  const [type, explicit] = readChildren(der, ci, what);
  if (type?.tag !== TAG.OID || decodeOid(valueBytes(der, type)) !== OID.pkcs7SignedData || explicit?.tag !== contextConstructed(0)) {
    throw new PkiError("invalid_input", "The PKCS#7 structure is not SignedData");
  }
  const [signedData] = readChildren(der, explicit, what);
  if (signedData?.tag !== TAG.SEQUENCE) throw new PkiError("invalid_input", "Malformed PKCS#7 SignedData");
  const certSet = readChildren(der, signedData, what).find((f) => f.tag === contextConstructed(0));
  if (!certSet) return [];
  return readChildren(der, certSet, what)
    .filter((c) => c.tag === TAG.SEQUENCE) // skip attribute certificates and other formats
    .map((c) => der.slice(c.start, c.end));
}
