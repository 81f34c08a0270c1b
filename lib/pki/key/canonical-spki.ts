// One DER SubjectPublicKeyInfo per public key, whatever encoding the requester chose, so that
// "the same key" means the same bytes: for key-reuse detection (the SHA-256 fingerprint is taken
// over this form) and for what issuance writes into certificates.
//
//   RSA (RFC 8017 App. A.1.1, RFC 3279 §2.3.1): AlgorithmIdentifier { rsaEncryption, NULL },
//     RSAPublicKey { n, e } as minimal DER INTEGERs.
//   EC (RFC 5480 §2.1.1, §2.2): AlgorithmIdentifier { id-ecPublicKey, namedCurve OID }, the point
//     uncompressed (04 || X || Y). RFC 5480: "The uncompressed form MUST be supported …
//     implementations SHOULD use the uncompressed form"; Java's keytool cannot read others.
//
// For keys OpenSSL, Node, Java and browsers generate by default this is exactly the encoding they
// already write, so fingerprints stored before canonicalisation existed stay comparable.
import { DER_NULL, TAG, encodeBitString, encodeOid, sequence, tlv } from "@/lib/pki/cert/der";
import type { PrimeCurve } from "./ec-curves";

const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";

const RSA_ALGORITHM = sequence(encodeOid(RSA_ENCRYPTION), DER_NULL);
const EC_ALGORITHM_PREFIX = encodeOid(ID_EC_PUBLIC_KEY);

/** DER INTEGER of an unsigned big-endian magnitude (leading zero octets dropped, one added when the top bit is set). */
function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return m.length && m[0] & 0x80 ? tlv(TAG.INTEGER, Uint8Array.of(0), m) : tlv(TAG.INTEGER, m.length ? m : Uint8Array.of(0));
}

/** rsaEncryption SPKI of (n, e); also the canonical form of an id-RSASSA-PSS key, which is the same key pair. */
export function canonicalRsaSpki(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  const rsaPublicKey = sequence(unsignedInteger(modulus), unsignedInteger(exponent));
  return sequence(RSA_ALGORITHM, encodeBitString(rsaPublicKey));
}

/** id-ecPublicKey SPKI with the named curve and the uncompressed point (decodeEcPoint's). */
export function canonicalEcSpki(curve: PrimeCurve, uncompressedPoint: Uint8Array): Uint8Array {
  return sequence(sequence(EC_ALGORITHM_PREFIX, encodeOid(curve.oid)), encodeBitString(uncompressedPoint));
}
