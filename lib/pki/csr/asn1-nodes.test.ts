// The BER/DER reader against asn1js (the parser it replaced) over every binary fixture, and
// the BER forms and hostile inputs it must handle.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import * as asn1js from "asn1js";
import { describe, expect, it } from "vitest";
import { base64Decode } from "@/lib/pki/pem";
import { type Node, children, contentBytes, decodeOidContent, encodedBytes, oidOf, parseExact, parseFirst } from "./asn1-nodes";

const DIR = path.join(import.meta.dirname, "fixtures");

/** The tree as (class, tag, constructed, length, children), from either parser. */
type Shape = [number, number, boolean, number, Shape[]];
function ours(n: Node): Shape {
  return [n.tagClass, n.tagNumber, n.constructed, n.encoded.length, children(n).map(ours)];
}
function theirs(n: asn1js.AsnType): Shape {
  const kids = n.idBlock.isConstructed ? ((n as asn1js.Constructed).valueBlock.value as asn1js.AsnType[]) : [];
  return [n.idBlock.tagClass, n.idBlock.tagNumber, n.idBlock.isConstructed, n.valueBeforeDecodeView.length, kids.map(theirs)];
}

function derOfFixture(name: string): Uint8Array | null {
  const raw = readFileSync(path.join(DIR, name));
  if (/\.(der|p12)$/.test(name)) return new Uint8Array(raw);
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END/.exec(raw.toString("latin1"));
  return m && !m[1].includes("PGP") ? base64Decode(m[2]) : null;
}

describe("parseExact", () => {
  const fixtures = readdirSync(DIR).filter((f) => /\.(der|p12|pem)$/.test(f) && !/truncated|bad-base64|two-csrs|plus|tampered/.test(f));
  it.each(fixtures)("%s: the same tree as asn1js", (name) => {
    const der = derOfFixture(name);
    if (!der) return;
    const reference = asn1js.fromBER(der as BufferSource, { parseEmbedded: false } as never);
    const node = parseExact(der);
    if (reference.offset !== der.length) {
      expect(node).toBeNull();
      return;
    }
    expect(node).not.toBeNull();
    expect(ours(node!)).toEqual(theirs(reference.result));
    expect(Buffer.from(encodedBytes(node!)).equals(Buffer.from(der))).toBe(true);
  });

  it("reads BER: indefinite lengths, constructed OCTET STRINGs, high tag numbers", () => {
    // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { 04 02 "ab", 04 01 "c" }, [31] IMPLICIT "x" }
    const ber = Uint8Array.from([0x30, 0x80, 0x24, 0x80, 0x04, 0x02, 0x61, 0x62, 0x04, 0x01, 0x63, 0x00, 0x00, 0x9f, 0x1f, 0x01, 0x78, 0x00, 0x00]);
    const root = parseExact(ber)!;
    expect(ours(root)).toEqual(theirs(asn1js.fromBER(ber as BufferSource).result));
    const [octets, high] = children(root);
    expect(children(octets).map((c) => Buffer.from(contentBytes(c)).toString())).toEqual(["ab", "c"]);
    expect([high.tagClass, high.tagNumber, Buffer.from(contentBytes(high)).toString()]).toEqual([3, 31, "x"]);
  });

  it("refuses truncation, trailing bytes, bad primitives and hostile nesting without throwing", () => {
    const csr = derOfFixture("rsa2048.csr.der")!;
    for (let n = 0; n < csr.length; n += 37) expect(parseExact(csr.subarray(0, n))).toBeNull();
    expect(parseExact(Uint8Array.from([...csr, 0]))).toBeNull();
    expect(parseFirst(Uint8Array.from([...csr, 0])).end).toBe(csr.length);
    expect(parseExact(Uint8Array.of(0x06, 0x02, 0x2a, 0x86))).toBeNull(); // OID ending inside an arc
    expect(parseExact(Uint8Array.of(0x05, 0x01, 0x00))).toBeNull(); // NULL with content
    expect(parseExact(Uint8Array.of(0x04, 0x80, 0x00, 0x00))).toBeNull(); // indefinite primitive
    expect(parseExact(Uint8Array.of(0x30, 0x85, 0, 0, 0, 0, 1))).toBeNull(); // 5 length octets
    const deep = new Uint8Array(2 * 200);
    for (let i = 0; i < 200; i++) deep.set([0x30, 0x80], i * 2);
    expect(parseExact(deep)).toBeNull();
  });

  it("decodes OIDs, also arcs beyond 2^53", () => {
    const oid = (dotted: string) => new Uint8Array(new asn1js.ObjectIdentifier({ value: dotted }).valueBlock.toBER(false));
    for (const dotted of ["1.2.840.113549.1.1.11", "2.5.4.3", "0.9.2342.19200300.100.1.25", "2.25.329800735698586629295641978511506172918", "1.3.6.1.4.1.9007199254740993"]) {
      expect(decodeOidContent(oid(dotted))).toBe(dotted);
    }
    const node = parseExact(Uint8Array.of(0x06, 0x03, 0x55, 0x04, 0x03))!;
    expect(oidOf(node)).toBe("2.5.4.3");
    expect(node.oid).toBe("2.5.4.3"); // computed once
  });
});
