// ECDSA signatures in certificates and CSRs are DER Ecdsa-Sig-Value (RFC 3279 §2.2.3,
// RFC 5480 §2.2); WebCrypto wants the raw r || s form, each integer left-padded to the
// curve's byte size (WebCrypto §23.4: 32 for P-256, 48 for P-384, 66 for P-521).
import { children, contentBytes, integerMagnitude, isInteger, isSequence, parseExactDer } from "./asn1-nodes";

/** Raw r || s, or null when the bytes are not a DER (minimal INTEGERs) SEQUENCE of two positive INTEGERs that fit the curve. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  const root = parseExactDer(der);
  const [r, s, ...rest] = children(root ?? undefined);
  if (!root || !isSequence(root) || !isInteger(r) || !isInteger(s) || rest.length) return null;
  const out = new Uint8Array(size * 2);
  for (const [i, n] of [r, s].entries()) {
    if (contentBytes(n)[0] & 0x80) return null; // negative
    const m = integerMagnitude(n);
    if (m.length > size) return null;
    out.set(m, i * size + (size - m.length));
  }
  return out;
}
