// CSRs built to cost CPU rather than to be certified: every one must be refused (or read) at once,
// before any arithmetic on its numbers. Issue 14 finding 1: a sha224WithRSAEncryption CSR with a
// random 16384-bit modulus and exponent took 12.6 s on the main thread, a 65536-bit exponent 34 s.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readCsr } from "./parse-csr";
import { NULL, SHA224_RSA, SHA256_RSA, bits, csr, hostileRsaCsr, octets, oid, randomOdd, rsaSpki, seq, set, subject, tlv, uint, utf8 } from "./fixtures/hostile-csr";

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
    ["a 16384-bit modulus with exponent 65537", 16384, Uint8Array.of(1, 0, 1), SHA256_RSA, /the RSA modulus has 16384 bits; Keyport reads RSA keys up to 8192 bits/],
  ] as const)("%s: refused as unsupported_key, fast", async (_, modulusBits, exponent, algorithm, message) => {
    const { r, ms } = await timedRead(hostileRsaCsr(modulusBits, exponent, algorithm));
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
