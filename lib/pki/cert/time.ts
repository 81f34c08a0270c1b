// Validity and revocation times (RFC 5280 §4.1.2.5, §5.1.2.4): UTCTime for 1950–2049,
// GeneralizedTime otherwise; always Zulu, always with seconds, never fractional seconds.
import { PkiError } from "./errors";
import { TAG } from "./der";

/** RFC 5280 times have one-second resolution: drop milliseconds (floor). */
export function truncateToSeconds(date: Date): Date {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new PkiError("invalid_input", "Invalid date");
  return new Date(ms - (((ms % 1000) + 1000) % 1000));
}

export function usesUtcTime(date: Date): boolean {
  const y = date.getUTCFullYear();
  return y >= 1950 && y < 2050;
}

/** Size of the encoded Time TLV (15 bytes UTCTime, 17 bytes GeneralizedTime). */
export const encodedTimeSize = (date: Date) => (usesUtcTime(date) ? 15 : 17);

function assertEncodable(date: Date): void {
  const y = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || y < 0 || y > 9999) throw new PkiError("invalid_input", `Date out of range for X.509: ${String(date)}`);
}

function put2(out: Uint8Array, offset: number, v: number): void {
  out[offset] = 0x30 + ((v / 10) | 0);
  out[offset + 1] = 0x30 + (v % 10);
}

/** Writes the Time TLV for `date` (seconds resolution; milliseconds are ignored) and returns the next offset. */
export function writeTime(out: Uint8Array, offset: number, date: Date): number {
  assertEncodable(date);
  const y = date.getUTCFullYear();
  if (usesUtcTime(date)) {
    out[offset++] = TAG.UTC_TIME;
    out[offset++] = 13;
    put2(out, offset, y % 100);
    offset += 2;
  } else {
    out[offset++] = TAG.GENERALIZED_TIME;
    out[offset++] = 15;
    put2(out, offset, (y / 100) | 0);
    put2(out, offset + 2, y % 100);
    offset += 4;
  }
  put2(out, offset, date.getUTCMonth() + 1);
  put2(out, offset + 2, date.getUTCDate());
  put2(out, offset + 4, date.getUTCHours());
  put2(out, offset + 6, date.getUTCMinutes());
  put2(out, offset + 8, date.getUTCSeconds());
  out[offset + 10] = 0x5a; // 'Z'
  return offset + 11;
}

export function encodeTime(date: Date): Uint8Array {
  const out = new Uint8Array(encodedTimeSize(date));
  writeTime(out, 0, date);
  return out;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
  requestedNotAfter: Date;
  notAfterClamped: boolean;
}

/** Seconds resolution, notAfter clamped to the issuer's notAfter, and a non-empty period. */
export function resolveValidity(notBefore: Date, notAfter: Date, issuerNotAfter: Date): Validity {
  const nb = truncateToSeconds(notBefore);
  const requested = truncateToSeconds(notAfter);
  const clamped = requested.getTime() > issuerNotAfter.getTime();
  const na = clamped ? new Date(issuerNotAfter.getTime()) : requested;
  if (nb.getTime() >= na.getTime()) {
    throw new PkiError(
      clamped ? "issuer_unusable" : "invalid_input",
      clamped ? `The issuer certificate expires (${issuerNotAfter.toISOString()}) before the requested notBefore` : "notBefore must be earlier than notAfter",
    );
  }
  return { notBefore: nb, notAfter: na, requestedNotAfter: requested, notAfterClamped: clamped };
}
