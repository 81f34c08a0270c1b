// How large an RSA public key Keyport reads from untrusted input (CSRs, certificates, key files),
// checked before any arithmetic is done on it. Every reader of an RSAPublicKey or RSAPrivateKey
// (RFC 8017 App. A.1) calls rsaKeySizeProblem first: a 6 KB CSR with a 16384-bit modulus and a
// 16384-bit exponent is cheap to send and expensive to verify (issue 14: 12.6 s of CPU), and the
// cost of RSA grows with the square of the modulus and linearly with the exponent's length.
// Pure (browser and Node).
import { bitLength } from "@/lib/pki/csr/asn1-nodes";

/** The largest modulus read: twice the largest key type a profile offers (RSA 4096); OpenSSL's own verify limit is 16384. */
export const MAX_RSA_MODULUS_BITS = 8192;
/** CA/Browser Forum Baseline Requirements §6.1.6: the public exponent is an odd number in [2^16 + 1, 2^256 − 1]. */
export const MAX_RSA_EXPONENT_BITS = 256;

/**
 * Why an RSA public key (unsigned big-endian magnitudes) is not read, or null when it is within
 * the limits. The exponent must be odd and at least 3 (RFC 8017 §3.1: 3 ≤ e ≤ n − 1, gcd(e, λ(n)) = 1).
 * Only lengths and the last octets are looked at: constant work whatever the input's size.
 */
export function rsaKeySizeProblem(modulus: Uint8Array, exponent: Uint8Array): string | null {
  const modulusBits = bitLength(modulus);
  if (modulusBits > MAX_RSA_MODULUS_BITS) return `the RSA modulus has ${modulusBits} bits; Keyport reads RSA keys up to ${MAX_RSA_MODULUS_BITS} bits`;
  const exponentBits = bitLength(exponent);
  if (exponentBits > MAX_RSA_EXPONENT_BITS) {
    return `the RSA public exponent has ${exponentBits} bits; Keyport reads RSA public exponents up to ${MAX_RSA_EXPONENT_BITS} bits (CA/Browser Forum Baseline Requirements §6.1.6)`;
  }
  const last = exponent[exponent.length - 1] ?? 0;
  if (exponentBits < 2 || (last & 1) === 0) {
    const shown = exponentBits <= 53 ? String(exponent.reduce((v, b) => v * 256 + b, 0)) : `an even ${exponentBits}-bit number`;
    return `the RSA public exponent is ${shown}; it must be odd and at least 3 (RFC 8017 §3.1)`;
  }
  return null;
}
