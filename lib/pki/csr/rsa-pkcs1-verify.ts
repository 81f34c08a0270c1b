// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2, EMSA-PKCS1-v1_5 §9.2) with BigInt, for
// the one digest WebCrypto lacks: SHA-224. Verification compares the re-encoded message
// representative as a whole (the "encode and compare" method RFC 8017 recommends), so no
// padding parsing is involved. Everything here is public data: no constant-time concerns.
import { bigIntToBytes, bytesToBigInt, modPow } from "@/lib/pki/bigint";
import { sha224 } from "./sha256";

/** DigestInfo prefix for SHA-224 (RFC 8017 §9.2 Note 1): SEQUENCE { {id-sha224, NULL}, OCTET STRING (28) }. */
const SHA224_DIGEST_INFO = Uint8Array.from([0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c]);

export function verifyRsaPkcs1Sha224(key: { modulus: Uint8Array; exponent: Uint8Array }, signature: Uint8Array, message: Uint8Array): boolean {
  const k = key.modulus.length;
  // §8.2.2 step 1: the signature is exactly k octets.
  if (signature.length !== k) return false;
  const n = bytesToBigInt(key.modulus);
  const s = bytesToBigInt(signature);
  // §5.2.2 RSAVP1: s must be in [0, n-1].
  if (s >= n) return false;
  const em = bigIntToBytes(modPow(s, bytesToBigInt(key.exponent), n), k);
  const t = new Uint8Array(SHA224_DIGEST_INFO.length + 28);
  t.set(SHA224_DIGEST_INFO);
  t.set(sha224(message), SHA224_DIGEST_INFO.length);
  // EM = 0x00 || 0x01 || PS (0xff, at least 8) || 0x00 || T
  if (k < t.length + 11) return false;
  const expected = new Uint8Array(k).fill(0xff);
  expected[0] = 0x00;
  expected[1] = 0x01;
  expected[k - t.length - 1] = 0x00;
  expected.set(t, k - t.length);
  let diff = 0;
  for (let i = 0; i < k; i++) diff |= em[i] ^ expected[i];
  return diff === 0;
}

