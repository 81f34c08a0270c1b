// Unsigned big-endian bytes ↔ BigInt, and modular exponentiation. Pure (browser and Node).

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex ? BigInt(`0x${hex}`) : 0n;
}

/** `value` as exactly `size` big-endian bytes (left-padded with zeros). */
export function bigIntToBytes(value: bigint, size: number): Uint8Array {
  const hex = value.toString(16).padStart(size * 2, "0");
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * base^exponent mod m, for a non-negative exponent and m > 0. Its cost grows with the square of m's
 * size times the exponent's length: call it only with sizes fixed by the code (the known curves'
 * parameters in lib/pki/key/ec-curves.ts), never with numbers read from input (issue 14: an RSA
 * verification here with a 16384-bit key from a CSR took 12.6 s).
 */
export function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = ((base % m) + m) % m;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}
