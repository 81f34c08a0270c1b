// Small, typed accessors over asn1js parse trees (X.690 BER/DER), so the structural checks
// in this folder read like the ASN.1 they test. Nothing here allocates beyond what asn1js has.
import * as asn1js from "asn1js";

/** X.690 §8.1.2.2 tag classes, as asn1js numbers them. */
const UNIVERSAL = 1;
const CONTEXT = 3;

export const UNIVERSAL_TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC_STRING: 18,
  PRINTABLE_STRING: 19,
  TELETEX_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

export type Node = asn1js.AsnType;

/** Parse options for untrusted input: do not speculatively parse OCTET/BIT STRING contents. */
export const BER_OPTIONS = { parseEmbedded: false } as const;

/** Parse exactly these bytes; null unless they are one complete BER element with nothing after it. */
export function parseExact(bytes: Uint8Array): Node | null {
  const r = asn1js.fromBER(bytes as BufferSource, BER_OPTIONS);
  if (r.offset === -1 || r.offset !== bytes.length) return null;
  return r.result;
}

export const isUniversal = (n: Node | undefined, tag: number): n is Node =>
  !!n && n.idBlock.tagClass === UNIVERSAL && n.idBlock.tagNumber === tag;

export const isContext = (n: Node | undefined, tag: number): n is Node =>
  !!n && n.idBlock.tagClass === CONTEXT && n.idBlock.tagNumber === tag;

export const isSequence = (n: Node | undefined): n is asn1js.Sequence => isUniversal(n, UNIVERSAL_TAG.SEQUENCE) && n.idBlock.isConstructed;
export const isSet = (n: Node | undefined): n is asn1js.Set => isUniversal(n, UNIVERSAL_TAG.SET) && n.idBlock.isConstructed;
export const isInteger = (n: Node | undefined): n is asn1js.Integer => isUniversal(n, UNIVERSAL_TAG.INTEGER);
export const isOid = (n: Node | undefined): n is asn1js.ObjectIdentifier => isUniversal(n, UNIVERSAL_TAG.OID);
export const isOctetString = (n: Node | undefined): n is asn1js.OctetString => isUniversal(n, UNIVERSAL_TAG.OCTET_STRING);
export const isBitString = (n: Node | undefined): n is asn1js.BitString => isUniversal(n, UNIVERSAL_TAG.BIT_STRING);

/** Children of a constructed node ([] for a primitive one). */
export function children(n: Node | undefined): Node[] {
  if (!n || !n.idBlock.isConstructed) return [];
  const v = (n as asn1js.Constructed).valueBlock.value;
  return Array.isArray(v) ? v : [];
}

/** Content octets of a primitive node (for a BIT STRING: without the unused-bits octet). */
export function contentBytes(n: Node): Uint8Array {
  return (n as asn1js.Primitive).valueBlock.valueHexView;
}

/** The complete encoding (tag, length, content) of a node as it appeared in the input. */
export function encodedBytes(n: Node): Uint8Array {
  return n.valueBeforeDecodeView;
}

/** Dotted OID of an OBJECT IDENTIFIER node. */
export function oidOf(n: asn1js.ObjectIdentifier): string {
  return n.valueBlock.toString();
}

/** First child is an OID: the shape of an AlgorithmIdentifier (RFC 5280 §4.1.1.2). */
export function isAlgorithmIdentifier(n: Node | undefined): n is asn1js.Sequence {
  return isSequence(n) && isOid(children(n)[0]);
}

/** INTEGER content with leading zero octets removed (the unsigned magnitude for positive values). */
export function integerMagnitude(n: asn1js.Integer): Uint8Array {
  const b = contentBytes(n);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Value of a small non-negative INTEGER, or null when negative or above 2^53. */
export function smallInteger(n: Node | undefined): number | null {
  if (!isInteger(n)) return null;
  const b = contentBytes(n);
  if (b.length === 0 || b[0] & 0x80) return null;
  const m = integerMagnitude(n);
  if (m.length > 7) return null;
  let v = 0;
  for (const byte of m) v = v * 256 + byte;
  return Number.isSafeInteger(v) ? v : null;
}

/** Bit length of an unsigned big-endian magnitude (leading zero octets ignored). */
export function bitLength(magnitude: Uint8Array): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(magnitude[i]));
}

/** X.690 §8.19: dotted form of OBJECT IDENTIFIER content octets (used for IMPLICIT-tagged OIDs). */
export function decodeOidContent(bytes: Uint8Array): string | null {
  if (bytes.length === 0 || bytes[bytes.length - 1] & 0x80) return null;
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of bytes) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs[0];
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}
