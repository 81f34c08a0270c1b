// The DER (X.690) writer of lib/pki, for the hot paths (certificate issuance, CRLs): byte-identical
// to pkijs on the issuance tests and what meets the issuance-rate target (bench/pki.ts).
// Writing concatenates pre-encoded pieces; only single-byte tags (tag number < 31) and
// definite lengths exist in X.509, so nothing else is supported.
//
// Reading goes through the one DER reader, lib/pki/csr/asn1-nodes.ts: readSingle/readChildren
// below are an offset view of its tree for the modules that walk Keyport's own output
// (certificates, CRLs, PKCS #7/#12), held to DER by its derViolation.
import { type Node, derViolation, parseFirst } from "../csr/asn1-nodes";
import { PkiError } from "./errors";

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tags: [n] IMPLICIT primitive (0x80|n) and [n] constructed/EXPLICIT (0xa0|n). */
export const contextPrimitive = (n: number) => 0x80 | n;
export const contextConstructed = (n: number) => 0xa0 | n;

/** Bytes needed for the header (tag + length) of a value of this length. */
export function headerSize(length: number): number {
  if (length < 0x80) return 2;
  if (length < 0x100) return 3;
  if (length < 0x10000) return 4;
  if (length < 0x1000000) return 5;
  return 6;
}

/** Writes tag + definite length at `offset`; returns the offset after the header. */
export function writeHeader(out: Uint8Array, offset: number, tag: number, length: number): number {
  out[offset++] = tag;
  if (length < 0x80) {
    out[offset++] = length;
  } else if (length < 0x100) {
    out[offset++] = 0x81;
    out[offset++] = length;
  } else if (length < 0x10000) {
    out[offset++] = 0x82;
    out[offset++] = length >>> 8;
    out[offset++] = length & 0xff;
  } else if (length < 0x1000000) {
    out[offset++] = 0x83;
    out[offset++] = length >>> 16;
    out[offset++] = (length >>> 8) & 0xff;
    out[offset++] = length & 0xff;
  } else {
    out[offset++] = 0x84;
    out[offset++] = length >>> 24;
    out[offset++] = (length >>> 16) & 0xff;
    out[offset++] = (length >>> 8) & 0xff;
    out[offset++] = length & 0xff;
  }
  return offset;
}

/** TLV whose value is the concatenation of `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(headerSize(length) + length);
  let offset = writeHeader(out, 0, tag, length);
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export const sequence = (...parts: Uint8Array[]) => tlv(TAG.SEQUENCE, ...parts);

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split(".").map((a) => {
    if (!/^\d+$/.test(a)) throw new PkiError("invalid_input", `Not an object identifier: ${oid}`);
    return BigInt(a);
  });
  if (arcs.length < 2 || arcs[0] > 2n || (arcs[0] < 2n && arcs[1] > 39n)) throw new PkiError("invalid_input", `Not an object identifier: ${oid}`);
  const body: number[] = [];
  const push = (v: bigint) => {
    const groups: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...groups);
  };
  push(arcs[0] * 40n + arcs[1]);
  for (const a of arcs.slice(2)) push(a);
  return tlv(TAG.OID, Uint8Array.from(body));
}

/** INTEGER from a non-negative bigint (minimal two's complement, X.690 §8.3). */
export function encodeUnsignedBigInt(value: bigint): Uint8Array {
  if (value < 0n) throw new PkiError("invalid_input", "Negative integers are not used here");
  const hex = value.toString(16);
  const bytes = hexToBytes(hex.length % 2 ? `0${hex}` : hex);
  return tlv(TAG.INTEGER, bytes[0] & 0x80 ? Uint8Array.of(0, ...bytes) : bytes);
}

export function encodeSmallInteger(value: number): Uint8Array {
  return encodeUnsignedBigInt(BigInt(value));
}

export const encodeOctetString = (bytes: Uint8Array) => tlv(TAG.OCTET_STRING, bytes);
export const encodeBitString = (bytes: Uint8Array, unusedBits = 0) => tlv(TAG.BIT_STRING, Uint8Array.of(unusedBits), bytes);
export const DER_NULL = Uint8Array.of(0x05, 0x00);
export const DER_TRUE = Uint8Array.of(0x01, 0x01, 0xff);

export function encodeAscii(tag: number, text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e || c < 0x20) throw new PkiError("invalid_input", `Only printable ASCII is allowed here: ${JSON.stringify(text)}`);
    bytes[i] = c;
  }
  return tlv(tag, bytes);
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new PkiError("invalid_input", "Not a hexadecimal byte string");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- reader: a view of lib/pki/csr/asn1-nodes.ts (the one DER reader) by offsets ----

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first value byte. */
  valueStart: number;
  /** Offset just after the value. */
  end: number;
  /** The parsed element (asn1-nodes), whose children readChildren returns. */
  node: Node;
}

function toTlv(buf: Uint8Array, node: Node): Tlv {
  const start = node.encoded.byteOffset - buf.byteOffset;
  const end = start + node.encoded.length;
  return { tag: node.encoded[0], start, valueStart: end - node.content.length, end, node };
}

/** Copies `src` into `out` at `offset` and returns the offset after it (a plain loop beats TypedArray#set for short pieces). */
export function copyInto(out: Uint8Array, offset: number, src: Uint8Array): number {
  const n = src.length;
  if (n > 48) {
    out.set(src, offset);
    return offset + n;
  }
  for (let i = 0; i < n; i++) out[offset + i] = src[i];
  return offset + n;
}

/** The TLVs directly inside a constructed TLV. */
export function readChildren(buf: Uint8Array, parent: Tlv, what = "DER"): Tlv[] {
  void what;
  return parent.node.children.map((n) => toTlv(buf, n));
}

/** Reads a whole buffer as exactly one DER element with the expected tag (BER-only forms and trailing bytes refused). */
export function readSingle(buf: Uint8Array, tag: number, what: string): Tlv {
  const first = parseFirst(buf, { ownOutput: true });
  if (!first.node) throw new PkiError("invalid_input", `Malformed ${what}: not DER (truncated, or an element runs past its container)`);
  if (first.end !== buf.length) throw new PkiError("invalid_input", `Malformed ${what}: ${buf.length - first.end} trailing bytes`);
  const violation = derViolation(first.node);
  if (violation) throw new PkiError("invalid_input", `Malformed ${what}: ${violation}`);
  const t = toTlv(buf, first.node);
  if (t.tag !== tag) throw new PkiError("invalid_input", `Malformed ${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

export const tlvBytes = (buf: Uint8Array, t: Tlv) => buf.subarray(t.start, t.end);
export const valueBytes = (buf: Uint8Array, t: Tlv) => buf.subarray(t.valueStart, t.end);
