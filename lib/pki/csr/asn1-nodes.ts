// The reader for untrusted DER (X.690 §8, §10): intake, CSR parsing and the strict-DER rule
// for what is signed. Typed accessors over its tree make the structural checks read like the
// ASN.1 they test. Bounded depth and size; OCTET STRING and BIT STRING contents are never parsed
// speculatively. No copies: nodes are views into the input.
//
// Why a project reader and not asn1js: this is the measured hot path of a CSR check (< 2 ms
// median, bench/pki.ts); asn1js builds several objects per element and checks every buffer
// through pvtsutils, which was ~40% of a CSR check's CPU time. It reads BER so that intake can
// say what a pasted blob is (a BER PKCS #12 is recognised, not called garbage), and
// `derViolation` then holds a CSR to DER: RFC 2986 §4.2 signs the DER of
// certificationRequestInfo, and a BER form that parses here would be refused later by every
// tool that re-encodes. asn1-nodes.fuzz.test.ts compares both against `openssl asn1parse -strict`.

/** X.690 §8.1.2.2 tag classes (numbered as asn1js numbers them). */
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

export type Node = {
  /** 1 universal, 2 application, 3 context-specific, 4 private. */
  readonly tagClass: number;
  readonly tagNumber: number;
  readonly constructed: boolean;
  /** The complete encoding (identifier, length, content[, end-of-contents]). */
  readonly encoded: Uint8Array;
  /** Content octets (for a constructed node: its children's encodings). */
  readonly content: Uint8Array;
  readonly children: readonly Node[];
  /** Dotted form, for OBJECT IDENTIFIER nodes, computed once. */
  oid?: string | null;
};

/** Deeper nesting than any certificate-related structure has; bounds recursion on hostile input. */
const MAX_DEPTH = 64;
/** More elements than a 64 KiB input of real PKI objects holds. */
const MAX_NODES = 20_000;

class BerError extends Error {}

type Budget = { nodes: number };

const NO_CHILDREN: readonly Node[] = Object.freeze([]);

/** Reads one element at `at`; returns it and the offset after it. */
function readElement(buf: Uint8Array, at: number, end: number, depth: number, budget: Budget): { node: Node; next: number } {
  if (depth > MAX_DEPTH) throw new BerError("nested too deeply");
  if (++budget.nodes > MAX_NODES) throw new BerError("too many elements");
  const start = at;
  if (at >= end) throw new BerError("truncated");
  const first = buf[at++];
  const tagClass = (first >> 6) + 1;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    // High tag number form (X.690 §8.1.2.4): base-128, at most 4 octets here.
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (at >= end || i === 4) throw new BerError("bad tag");
      const b = buf[at++];
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  if (at >= end) throw new BerError("truncated");
  const lengthOctet = buf[at++];
  if (lengthOctet === 0x80) {
    // Indefinite length (BER, constructed only): children up to end-of-contents 00 00.
    if (!constructed) throw new BerError("indefinite primitive");
    const kids: Node[] = [];
    const contentStart = at;
    for (;;) {
      if (at + 1 >= end) throw new BerError("truncated");
      if (buf[at] === 0 && buf[at + 1] === 0) break;
      const r = readElement(buf, at, end, depth + 1, budget);
      kids.push(r.node);
      at = r.next;
    }
    const node: Node = { tagClass, tagNumber, constructed, encoded: buf.subarray(start, at + 2), content: buf.subarray(contentStart, at), children: kids };
    return { node, next: at + 2 };
  }
  let length = lengthOctet;
  if (lengthOctet & 0x80) {
    const n = lengthOctet & 0x7f;
    if (n > 4 || n === 0x7f) throw new BerError("length too long");
    length = 0;
    for (let i = 0; i < n; i++) {
      if (at >= end) throw new BerError("truncated");
      length = length * 256 + buf[at++];
    }
  }
  const contentEnd = at + length;
  if (contentEnd > end) throw new BerError("truncated");
  const content = buf.subarray(at, contentEnd);
  let kids = NO_CHILDREN;
  if (constructed) {
    const list: Node[] = [];
    for (let p = at; p < contentEnd; ) {
      const r = readElement(buf, p, contentEnd, depth + 1, budget);
      list.push(r.node);
      p = r.next;
    }
    kids = list;
  } else if (tagClass === UNIVERSAL && !validPrimitive(tagNumber, content)) {
    throw new BerError("bad primitive");
  }
  return { node: { tagClass, tagNumber, constructed, encoded: buf.subarray(start, contentEnd), content, children: kids }, next: contentEnd };
}

/** The universal primitives whose encoding rules X.690 fixes and asn1js also enforced. */
function validPrimitive(tagNumber: number, c: Uint8Array): boolean {
  switch (tagNumber) {
    case UNIVERSAL_TAG.BOOLEAN:
      return c.length === 1;
    case UNIVERSAL_TAG.INTEGER:
      return c.length > 0;
    case UNIVERSAL_TAG.BIT_STRING:
      return c.length > 0 && c[0] < 8 && (c.length > 1 || c[0] === 0);
    case UNIVERSAL_TAG.NULL:
      return c.length === 0;
    case UNIVERSAL_TAG.OID:
      return c.length > 0 && (c[c.length - 1] & 0x80) === 0 && arcsWithinLimit(c);
    case UNIVERSAL_TAG.BMP_STRING:
      return c.length % 2 === 0;
    case UNIVERSAL_TAG.UNIVERSAL_STRING:
      return c.length % 4 === 0;
    default:
      return true;
  }
}

/**
 * Parse exactly these bytes; null unless they are one complete BER element with nothing after it.
 * `ownOutput`: bytes Keyport wrote (a large CRL), bounded by their size instead of MAX_NODES
 * (every element takes at least two octets, so the work stays linear in the input).
 */
export function parseExact(bytes: Uint8Array, opts: { ownOutput?: boolean } = {}): Node | null {
  try {
    const r = readElement(bytes, 0, bytes.length, 0, budgetFor(bytes, opts));
    return r.next === bytes.length ? r.node : null;
  } catch (e) {
    if (e instanceof BerError) return null;
    throw e;
  }
}

/** MAX_NODES for untrusted input; for Keyport's own output, as many as the bytes can hold (an element takes ≥ 2 octets). */
const budgetFor = (bytes: Uint8Array, opts: { ownOutput?: boolean }): Budget => ({ nodes: opts.ownOutput ? Math.min(0, MAX_NODES - Math.ceil(bytes.length / 2)) : 0 });

/** Parse the first element; `end` is where it ends (-1 when the bytes are not BER). */
export function parseFirst(bytes: Uint8Array, opts: { ownOutput?: boolean } = {}): { node: Node | null; end: number } {
  try {
    const r = readElement(bytes, 0, bytes.length, 0, budgetFor(bytes, opts));
    return { node: r.node, end: r.next };
  } catch (e) {
    if (e instanceof BerError) return { node: null, end: -1 };
    throw e;
  }
}

export const isUniversal = (n: Node | undefined, tag: number): n is Node => !!n && n.tagClass === UNIVERSAL && n.tagNumber === tag;

export const isContext = (n: Node | undefined, tag: number): n is Node => !!n && n.tagClass === CONTEXT && n.tagNumber === tag;

export const isSequence = (n: Node | undefined): n is Node => isUniversal(n, UNIVERSAL_TAG.SEQUENCE) && n.constructed;
export const isSet = (n: Node | undefined): n is Node => isUniversal(n, UNIVERSAL_TAG.SET) && n.constructed;
export const isInteger = (n: Node | undefined): n is Node => isUniversal(n, UNIVERSAL_TAG.INTEGER) && !n.constructed;
export const isOid = (n: Node | undefined): n is Node => isUniversal(n, UNIVERSAL_TAG.OID) && !n.constructed;
/** OCTET STRING in either form (BER allows a constructed one; DER does not). */
export const isOctetString = (n: Node | undefined): n is Node => isUniversal(n, UNIVERSAL_TAG.OCTET_STRING);
export const isBitString = (n: Node | undefined): n is Node => isUniversal(n, UNIVERSAL_TAG.BIT_STRING);

/** Children of a constructed node ([] for a primitive one). */
export function children(n: Node | undefined): readonly Node[] {
  return n ? n.children : NO_CHILDREN;
}

/** Content octets of a primitive node (for a BIT STRING: without the unused-bits octet). */
export function contentBytes(n: Node): Uint8Array {
  return n.tagClass === UNIVERSAL && n.tagNumber === UNIVERSAL_TAG.BIT_STRING && !n.constructed ? n.content.subarray(1) : n.content;
}

/** A primitive BIT STRING's count of unused bits in its last octet. */
export function unusedBits(n: Node): number {
  return n.content[0] ?? 0;
}

/** A BOOLEAN's value (X.690 §8.2: any non-zero octet is TRUE). */
export function booleanValue(n: Node): boolean {
  return n.content[0] !== 0;
}

/** The complete encoding (tag, length, content) of a node as it appeared in the input. */
export function encodedBytes(n: Node): Uint8Array {
  return n.encoded;
}

/** Dotted OID of an OBJECT IDENTIFIER node ("" when its content is not a valid OID). */
export function oidOf(n: Node): string {
  if (n.oid === undefined) n.oid = decodeOidContent(n.content);
  return n.oid ?? "";
}

/** First child is an OID: the shape of an AlgorithmIdentifier (RFC 5280 §4.1.1.2). */
export function isAlgorithmIdentifier(n: Node | undefined): n is Node {
  return isSequence(n) && isOid(children(n)[0]);
}

/** INTEGER content with leading zero octets removed (the unsigned magnitude for positive values). */
export function integerMagnitude(n: Node): Uint8Array {
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

/**
 * Octets one OID arc may take (X.690 §8.19.2, base 128): 20 hold 140 bits, more than the largest
 * arcs in use (UUIDs under 2.25, X.667: 128 bits). Longer arcs are refused rather than decoded:
 * turning an n-octet arc into decimal digits costs O(n²) (60 KB took 0.5 s).
 */
const MAX_OID_ARC_OCTETS = 20;

function arcsWithinLimit(bytes: Uint8Array): boolean {
  let run = 0;
  for (const b of bytes) {
    run = b & 0x80 ? run + 1 : 0;
    if (run >= MAX_OID_ARC_OCTETS) return false;
  }
  return true;
}

/** X.690 §8.19: dotted form of OBJECT IDENTIFIER content octets (also for IMPLICIT-tagged OIDs); null when invalid or an arc is over 20 octets. */
export function decodeOidContent(bytes: Uint8Array): string | null {
  if (bytes.length === 0 || bytes[bytes.length - 1] & 0x80 || !arcsWithinLimit(bytes)) return null;
  const arcs: (number | bigint)[] = [];
  let v = 0;
  let big: bigint | null = null; // once an arc outgrows 2^53
  for (const b of bytes) {
    if (big === null && v > 2 ** 45) big = BigInt(v);
    if (big !== null) big = (big << 7n) | BigInt(b & 0x7f);
    else v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(big ?? v);
      v = 0;
      big = null;
    }
  }
  const first = arcs[0];
  const head =
    typeof first === "bigint" ? [2n, first - 80n] : first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join(".");
}

/** X.690 §8.23 / §10.2: the string types DER requires in the primitive form (plus BIT and OCTET STRING). */
const STRING_TAGS = new Set([3, 4, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 29, 30]);

/**
 * The first place where `root` is BER but not DER (X.690 §10, §11), as a sentence for the
 * partner, or null when every element is DER: definite lengths in their shortest form, tags in
 * their shortest form, INTEGERs minimal (§8.3.2), BOOLEAN 00 or FF (§11.1), strings primitive
 * (§10.2), OBJECT IDENTIFIER arcs without 0x80 padding (§8.19.2). Contents of OCTET STRING and
 * BIT STRING are not looked into (their own parser holds them to DER where it reads them).
 */
export function derViolation(root: Node): string | null {
  const base = root.encoded.byteOffset;
  const at = (n: Node) => ` (at byte ${n.encoded.byteOffset - base})`;
  const visit = (n: Node): string | null => {
    const e = n.encoded;
    let i = 1;
    if ((e[0] & 0x1f) === 0x1f) {
      if (n.tagNumber < 31 || e[1] === 0x80) return `a tag is not in its shortest form${at(n)}`;
      while (e[i] & 0x80) i++;
      i++;
    }
    const len = e[i];
    if (len === 0x80) return `an element has an indefinite length, which only BER allows${at(n)}`;
    if (len > 0x80) {
      const octets = len & 0x7f;
      if (n.content.length < 0x80 || e[i + 1] === 0 || octets > lengthOctets(n.content.length)) return `a length is not in its shortest form (non-minimal length)${at(n)}`;
    }
    if (n.tagClass === UNIVERSAL) {
      const c = n.content;
      if (n.constructed && STRING_TAGS.has(n.tagNumber)) return `a string is in the constructed form, which only BER allows${at(n)}`;
      if (!n.constructed) {
        if (n.tagNumber === UNIVERSAL_TAG.INTEGER && c.length > 1 && ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && c[1] & 0x80))) {
          return `an INTEGER is not in its shortest form (non-minimal integer)${at(n)}`;
        }
        if (n.tagNumber === UNIVERSAL_TAG.BOOLEAN && c[0] !== 0 && c[0] !== 0xff) return `a BOOLEAN is neither 00 nor FF${at(n)}`;
        if (n.tagNumber === UNIVERSAL_TAG.OID && oidPadded(c)) return `an OBJECT IDENTIFIER has a padded arc (an arc starting with 0x80)${at(n)}`;
      }
    }
    for (const k of n.children) {
      const v = visit(k);
      if (v) return v;
    }
    return null;
  };
  return visit(root);
}

const lengthOctets = (n: number) => (n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4);

/** X.690 §8.19.2: the first octet of a subidentifier is never 0x80. */
function oidPadded(c: Uint8Array): boolean {
  for (let i = 0; i < c.length; i++) if (c[i] === 0x80 && (i === 0 || !(c[i - 1] & 0x80))) return true;
  return false;
}

/** parseExact, and null unless the bytes are also DER. */
export function parseExactDer(bytes: Uint8Array): Node | null {
  const n = parseExact(bytes);
  return n && derViolation(n) === null ? n : null;
}
