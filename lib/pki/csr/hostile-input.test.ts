// CSRs built to cost CPU rather than to be certified: every one must be refused (or read) at once,
// before any arithmetic on its numbers. Issue 14 finding 1: a sha224WithRSAEncryption CSR with a
// random 16384-bit modulus and exponent took 12.6 s on the main thread, a 65536-bit exponent 34 s.
// The DER is written by hand here (a few lines of X.690) so that nothing the code under test
// encodes is trusted; nothing is validly signed: the point is that the refusal is fast and specific.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readCsr } from "./parse-csr";

// ---- a small DER writer (X.690 §8.1: definite lengths, single-octet tags) ----
const len = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
const tlv = (tag: number, ...parts: Uint8Array[]) => {
  const body = Buffer.concat(parts);
  return new Uint8Array(Buffer.concat([Uint8Array.from([tag, ...len(body.length)]), body]));
};
const seq = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
const set = (...parts: Uint8Array[]) => tlv(0x31, ...parts);
const oid = (dotted: string) => {
  const [a, b, ...rest] = dotted.split(".").map(BigInt);
  const arc = (v: bigint) => {
    const out = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) out.unshift(Number(v & 0x7fn) | 0x80);
    return out;
  };
  return tlv(0x06, Uint8Array.from([a * 40n + b, ...rest].flatMap(arc)));
};
/** A positive INTEGER from an unsigned magnitude (a 00 octet when the top bit is set). */
const uint = (m: Uint8Array) => tlv(0x02, m[0] & 0x80 ? Uint8Array.of(0) : new Uint8Array(0), m);
const bits = (content: Uint8Array) => tlv(0x03, Uint8Array.of(0), content);
const octets = (content: Uint8Array) => tlv(0x04, content);
const NULL = Uint8Array.of(0x05, 0x00);
const utf8 = (s: string) => tlv(0x0c, new TextEncoder().encode(s));

/** A random odd magnitude of exactly `n` bits. */
function randomOdd(n: number): Uint8Array {
  const b = new Uint8Array(randomBytes(Math.ceil(n / 8)));
  const top = n % 8 || 8;
  b[0] = (b[0] & ((1 << top) - 1)) | (1 << (top - 1));
  b[b.length - 1] |= 1;
  return b;
}

const SHA224_RSA = "1.2.840.113549.1.1.14";
const SHA256_RSA = "1.2.840.113549.1.1.11";
const subject = seq(set(seq(oid("2.5.4.3"), utf8("acme-client"))));

function csr(spki: Uint8Array, opts: { algorithm?: string; signatureBytes?: number; name?: Uint8Array } = {}): Uint8Array {
  const info = seq(tlv(0x02, Uint8Array.of(0)), opts.name ?? subject, spki, tlv(0xa0));
  const algorithm = opts.algorithm ?? SHA224_RSA;
  // Below the modulus (a leading zero octet), so a verifier would do the whole exponentiation.
  const signature = new Uint8Array(randomBytes(opts.signatureBytes ?? 256));
  signature[0] = 0;
  return seq(info, seq(oid(algorithm), NULL), bits(signature));
}

const rsaSpki = (n: Uint8Array, e: Uint8Array) => seq(seq(oid("1.2.840.113549.1.1.1"), NULL), bits(seq(uint(n), uint(e))));

/** readCsr and the time it took, in ms. */
async function timedRead(der: Uint8Array) {
  const start = performance.now();
  const r = await readCsr(der);
  return { r, ms: performance.now() - start };
}

// Generous bounds: the old code took 2–34 s for these; a refusal takes well under a millisecond.
const FAST_MS = 1000;

describe("RSA key sizes are bounded before any arithmetic (issue 14, finding 1)", () => {
  it.each([
    ["16384-bit modulus and 16384-bit exponent, sha224WithRSAEncryption (the 6 KB CSR that froze the server)", 16384, 16384, SHA224_RSA, /the RSA modulus has 16384 bits; Keyport reads RSA keys up to 8192 bits/],
    ["8192-bit modulus and 8192-bit exponent", 8192, 8192, SHA224_RSA, /the RSA public exponent has 8192 bits; Keyport reads RSA public exponents up to 256 bits/],
    ["a 65536-bit exponent", 2048, 65536, SHA224_RSA, /the RSA public exponent has 65536 bits; Keyport reads RSA public exponents up to 256 bits/],
    ["a 65536-bit exponent, sha256WithRSAEncryption", 2048, 65536, SHA256_RSA, /the RSA public exponent has 65536 bits/],
    ["a 16384-bit modulus with exponent 65537", 16384, 17, SHA256_RSA, /the RSA modulus has 16384 bits; Keyport reads RSA keys up to 8192 bits/],
  ])("%s: refused as unsupported_key, fast", async (_, modulusBits, exponentBits, algorithm, message) => {
    const e = exponentBits === 17 ? Uint8Array.of(1, 0, 1) : randomOdd(exponentBits);
    const der = csr(rsaSpki(randomOdd(modulusBits), e), { algorithm, signatureBytes: modulusBits / 8 });
    const { r, ms } = await timedRead(der);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.finding.code).toBe("unsupported_key");
    expect(r.finding.message).toMatch(message);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it.each([
    ["exponent 1", Uint8Array.of(1), /the RSA public exponent is 1; it must be odd and at least 3/],
    ["an even exponent", Uint8Array.of(1, 0, 0), /the RSA public exponent is 65536; it must be odd and at least 3/],
  ])("%s is refused", async (_, e, message) => {
    const { r } = await timedRead(csr(rsaSpki(randomOdd(2048), e), { algorithm: SHA256_RSA }));
    expect(r.ok ? "ok" : r.finding.code).toBe("unsupported_key");
    if (!r.ok) expect(r.finding.message).toMatch(message);
  });

  it("the ceilings are inclusive: an 8192-bit modulus with a 256-bit exponent is read (and its random signature does not verify)", async () => {
    const { r, ms } = await timedRead(csr(rsaSpki(randomOdd(8192), randomOdd(256)), { algorithm: SHA256_RSA, signatureBytes: 1024 }));
    if (!r.ok) throw new Error(r.finding.message);
    expect(r.csr.key).toMatchObject({ type: "rsa", bits: 8192, label: "RSA 8192" });
    expect(r.csr.signatureValid).toBe(false);
    expect(r.csr.signatureUnsupported ?? false).toBe(false);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it("an id-RSASSA-PSS key is bounded the same way", async () => {
    const spki = seq(seq(oid("1.2.840.113549.1.1.10")), bits(seq(uint(randomOdd(16384)), uint(randomOdd(16384)))));
    const { r, ms } = await timedRead(csr(spki, { algorithm: "1.2.840.113549.1.1.10" }));
    expect(r.ok ? "ok" : r.finding.code).toBe("unsupported_key");
    expect(ms).toBeLessThan(FAST_MS);
  });
});

describe("SHA-224 is never checked (issue 14, finding 1)", () => {
  it("an OpenSSL sha224WithRSAEncryption CSR cannot be checked, like MD5: unsupported, not a mismatch", async () => {
    const pem = readFileSync(path.join(import.meta.dirname, "fixtures", "rsa2048-sha224.csr.pem"), "utf8");
    const r = await readCsr(pem);
    if (!r.ok) throw new Error(r.finding.message);
    expect(r.csr.signature).toMatchObject({ name: "sha224WithRSAEncryption", hash: "sha224" });
    expect(r.csr.signatureValid).toBe(false);
    expect(r.csr.signatureUnsupported).toBe(true);
    expect(r.csr.signatureError).toMatch(/SHA-224/);
  });
});

describe("OBJECT IDENTIFIER arcs are bounded (X.690 §8.19: decoding an n-octet arc costs O(n²))", () => {
  /** Content of an OID 1.2.<one arc of `octets` base-128 octets>. */
  const longArc = (octets: number) => {
    const arc = new Uint8Array(octets).fill(0xff);
    arc[arc.length - 1] = 0x7f;
    return Uint8Array.of(0x2a, ...arc);
  };

  it("a 60 KB arc in an attribute type is not valid DER here, and is refused at once", async () => {
    const name = seq(set(seq(tlv(0x06, longArc(60_000)), utf8("x"))));
    const { r, ms } = await timedRead(csr(rsaSpki(randomOdd(2048), Uint8Array.of(1, 0, 1)), { algorithm: SHA256_RSA, name }));
    expect(r.ok ? "ok" : r.finding.code).toBe("malformed");
    if (!r.ok) expect(r.finding.message).toMatch(/not valid DER/);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it("a 60 KB registeredID in a SAN (IMPLICIT, so not checked by the DER reader) is shown as unreadable, not decoded", async () => {
    const sans = seq(tlv(0x88, longArc(60_000)));
    const extensionRequest = seq(oid("1.2.840.113549.1.9.14"), set(seq(seq(oid("2.5.29.17"), octets(sans)))));
    const info = seq(tlv(0x02, Uint8Array.of(0)), subject, rsaSpki(randomOdd(2048), Uint8Array.of(1, 0, 1)), tlv(0xa0, extensionRequest));
    const { r, ms } = await timedRead(seq(info, seq(oid(SHA256_RSA), NULL), bits(new Uint8Array(256))));
    if (!r.ok) throw new Error(r.finding.message);
    expect(r.csr.sans).toEqual([{ type: "other", value: "registeredID:?" }]);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it("arcs of up to 20 octets (a UUID arc under 2.25 takes 19) still decode", async () => {
    const uuid = 0xf81d4fae7dec11d0a76500a0c91e6bf6n;
    const name = seq(set(seq(oid(`2.25.${uuid}`), utf8("x"))));
    const { r } = await timedRead(csr(rsaSpki(randomOdd(2048), Uint8Array.of(1, 0, 1)), { algorithm: SHA256_RSA, name }));
    if (!r.ok) throw new Error(r.finding.message);
    expect(r.csr.subject[0].oid).toBe(`2.25.${uuid}`);
  });
});
