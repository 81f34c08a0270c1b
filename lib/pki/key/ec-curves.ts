// Short-Weierstrass prime curves and their point encodings (SEC 1 v2 §2.3.3–2.3.4, X9.62):
// putting any encoding of a public point into the one form RFC 5480 §2.2 recommends
// (uncompressed, 04 || X || Y). The point arithmetic (on-curve check, decompression) is
// @noble/curves'; this file holds the parameters that identify a curve written out explicitly.
// Pure: runs in the browser too. It only ever sees public keys.
//
// Parameters: SEC 2 v2 §2.4.2 (secp256k1), FIPS 186-4 App. D.1.2 (P-256, P-384, P-521) —
// the same values `openssl ecparam -name … -param_enc explicit` prints (tested).
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";

export type PrimeCurve = {
  /** WebCrypto / FIPS name ("P-256"), or the SEC 2 name. */
  name: string;
  /** namedCurve OID (RFC 5480 §2.1.1.1). */
  oid: string;
  /** Field size in bits (the key size people quote). */
  bits: number;
  /** Bytes of one coordinate: ceil(bits / 8). */
  size: number;
  /** Field prime, coefficients, order and cofactor as unsigned big-endian hex without leading zeros. */
  p: string;
  a: string;
  b: string;
  n: string;
  h: string;
  /** The base point, uncompressed (04 || X || Y), hex. */
  g: string;
};

const trim = (hex: string) => hex.replace(/^0+(?=.)/, "");

const curve = (name: string, oid: string, bits: number, hex: { p: string; a: string; b: string; gx: string; gy: string; n: string }): PrimeCurve => {
  const size = Math.ceil(bits / 8);
  const coordinate = (h: string) => trim(h).padStart(size * 2, "0");
  return { name, oid, bits, size, p: trim(hex.p), a: trim(hex.a), b: trim(hex.b), n: trim(hex.n), h: "1", g: `04${coordinate(hex.gx)}${coordinate(hex.gy)}` };
};

export const PRIME_CURVES: readonly PrimeCurve[] = [
  curve("P-256", "1.2.840.10045.3.1.7", 256, {
    p: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    a: "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc",
    b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
    gx: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
    gy: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
    n: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
  }),
  curve("P-384", "1.3.132.0.34", 384, {
    p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    a: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc",
    b: "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
    gx: "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
    gy: "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
    n: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
  }),
  curve("P-521", "1.3.132.0.35", 521, {
    p: "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    a: "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc",
    b: "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
    gx: "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
    gy: "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
    n: "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
  }),
  curve("secp256k1", "1.3.132.0.10", 256, {
    p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
    a: "00",
    b: "07",
    gx: "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    gy: "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
    n: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
  }),
];

export const curveByOid = (oid: string): PrimeCurve | undefined => PRIME_CURVES.find((c) => c.oid === oid);

export class EcPointError extends Error {}

/** Unsigned big-endian bytes as hex without leading zeros (how PrimeCurve's numbers are written). */
export function magnitudeHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return trim(hex || "0");
}

const POINTS: Readonly<Record<string, typeof p256.Point>> = { "P-256": p256.Point, "P-384": p384.Point, "P-521": p521.Point, secp256k1: secp256k1.Point };

/**
 * SEC 1 §2.3.4: the point an ECPoint octet string encodes — 04 || X || Y (uncompressed),
 * 02/03 || X (compressed), 06/07 || X || Y (hybrid) — as the uncompressed encoding. Throws
 * EcPointError unless it is a point on the curve (the point at infinity, 00, is not a public key).
 */
export function decodeEcPoint(c: PrimeCurve, bytes: Uint8Array): { uncompressed: Uint8Array; form: "uncompressed" | "compressed" | "hybrid" } {
  const prefix = bytes[0];
  const full = bytes.length === 1 + 2 * c.size && (prefix === 0x04 || prefix === 0x06 || prefix === 0x07);
  const compressed = bytes.length === 1 + c.size && (prefix === 0x02 || prefix === 0x03);
  if (!full && !compressed) throw new EcPointError(`the EC public key is not an encoded ${c.name} point (SEC 1 §2.3.3)`);
  let input = bytes;
  if (full && prefix !== 0x04) {
    // A hybrid encoding also states y's parity; it must agree with y (its last octet).
    if ((bytes[bytes.length - 1] & 1) !== (prefix & 1)) throw new EcPointError("the EC public key's hybrid encoding is inconsistent");
    input = Uint8Array.from(bytes);
    input[0] = 0x04;
  }
  const Point = POINTS[c.name];
  let uncompressed: Uint8Array;
  try {
    uncompressed = Point.fromBytes(input).toBytes(false);
  } catch {
    throw new EcPointError(`the EC public key is not a point on ${c.name}`);
  }
  return { uncompressed, form: compressed ? "compressed" : prefix === 0x04 ? "uncompressed" : "hybrid" };
}
