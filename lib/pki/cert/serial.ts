// Certificate serial numbers (RFC 5280 §4.1.2.2): positive INTEGER, at most 20 octets,
// unique per issuer. Throughout lib/pki a serial is the INTEGER's DER content octets:
// minimal two's complement, so a value whose top bit is set carries a leading 0x00.
import { PkiError } from "./errors";
import { hexToBytes } from "./der";

const SERIAL_RANDOM_BYTES = 16;

/**
 * A fresh serial: 128 bits from crypto.getRandomValues, as DER INTEGER content octets
 * (1–17 bytes: leading zero bytes dropped, 0x00 prefixed when the high bit is set). Never zero.
 * CA/Browser Forum BR §7.1 asks for ≥ 64 bits of CSPRNG output; 128 leaves a wide margin.
 */
export function randomSerial(): Uint8Array {
  for (;;) {
    const raw = takeRandomBytes(SERIAL_RANDOM_BYTES);
    let first = 0;
    while (first < raw.length && raw[first] === 0) first++;
    if (first === raw.length) continue; // zero is not a positive integer
    const magnitude = raw.subarray(first);
    if (magnitude[0] & 0x80) {
      const out = new Uint8Array(magnitude.length + 1);
      out.set(magnitude, 1);
      return out;
    }
    return magnitude.slice();
  }
}

// getRandomValues costs ~2 µs per call in Node whatever the size: draw 4 KiB at a time and
// hand out each byte once.
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolOffset = 0;

function takeRandomBytes(n: number): Uint8Array {
  if (poolOffset + n > pool.length) {
    pool = globalThis.crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

/** Throws unless `serial` is valid DER INTEGER content for an X.509 serial (positive, minimal, ≤ 20 octets). */
export function assertValidSerial(serial: Uint8Array, what = "serial number"): void {
  if (!(serial instanceof Uint8Array) || serial.length === 0) throw new PkiError("invalid_input", `The ${what} is empty`);
  if (serial.length > 20) throw new PkiError("invalid_input", `The ${what} has ${serial.length} octets; RFC 5280 §4.1.2.2 allows at most 20`);
  if (serial[0] & 0x80) throw new PkiError("invalid_input", `The ${what} is negative (high bit set without a leading 0x00 octet)`);
  if (serial.length > 1 && serial[0] === 0 && !(serial[1] & 0x80)) {
    throw new PkiError("invalid_input", `The ${what} is not minimally encoded (redundant leading 0x00)`);
  }
  if (serial.length === 1 && serial[0] === 0) throw new PkiError("invalid_input", `The ${what} is zero; RFC 5280 requires a positive integer`);
}

/** Upper-case hex of the serial's value without the sign octet — what `openssl x509 -serial` prints. */
export function serialToHex(serial: Uint8Array): string {
  const start = serial.length > 1 && serial[0] === 0 ? 1 : 0;
  let out = "";
  for (let i = start; i < serial.length; i++) out += HEX[serial[i]];
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0").toUpperCase());

/** Parses hex (colons/whitespace allowed, any case, odd length allowed) of a positive value into serial octets. */
export function serialFromHex(hex: string): Uint8Array {
  let clean = hex.replace(/[\s:]/g, "");
  if (!/^[0-9a-fA-F]+$/.test(clean)) throw new PkiError("invalid_input", "A serial number is written in hexadecimal");
  clean = clean.replace(/^0+/, "");
  if (clean === "") throw new PkiError("invalid_input", "The serial number is zero; RFC 5280 requires a positive integer");
  if (clean.length % 2) clean = `0${clean}`;
  let bytes = hexToBytes(clean);
  if (bytes[0] & 0x80) bytes = Uint8Array.of(0, ...bytes);
  assertValidSerial(bytes);
  return bytes;
}
