// key.quality against crafted keys: each weak-key rule fires on a modulus built to break it
// (chosen primes), and ordinary keys from OpenSSL pass.
import { checkPrimeSync, generateKeyPairSync, generatePrimeSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalRsaSpki } from "./canonical-spki";
import { fermatFactor, hasRocaFingerprint, keyQualityProblems } from "./quality";

const toBytes = (n: bigint): Uint8Array => {
  const hex = n.toString(16);
  return Uint8Array.from(Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex"));
};
const prime = (bits: number): bigint => generatePrimeSync(bits, { bigint: true });
const isProbablePrime = (n: bigint) => checkPrimeSync(n, { checks: 1 });
const rsaSpki = (n: bigint, e = 65537n) => canonicalRsaSpki(toBytes(n), toBytes(e));
const rules = (spki: Uint8Array, opts = {}) => keyQualityProblems(spki, { isProbablePrime, ...opts }).map((p) => p.rule);

/** Two 512-bit primes exactly 34 apart (about one in 125 primes has a partner). */
function primesApart(gap: bigint): [bigint, bigint] {
  for (;;) {
    const p = prime(512);
    if (checkPrimeSync(p + gap)) return [p, p + gap];
  }
}

/** An Infineon-RSALib-shaped prime (ROCA): k·M + (65537^a mod M), M the primorial of 2…167. */
function rocaPrime(): bigint {
  const small = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167];
  const m = small.reduce((acc, p) => acc * BigInt(p), 1n);
  for (;;) {
    let g = 1n;
    const a = 1 + (randomBytes(2).readUInt16BE() % 5000);
    for (let i = 0; i < a; i++) g = (g * 65537n) % m;
    const k = BigInt(`0x${randomBytes(100).toString("hex")}`) | (1n << 799n);
    const p = k * m + g;
    if (checkPrimeSync(p)) return p;
  }
}

describe("key.quality: RSA", () => {
  const p = prime(2040);
  it.each([
    ["3·p", 3n * p, "rsa.small_factor"],
    ["751·p", 751n * p, "rsa.small_factor"],
    ["an even modulus (2·p)", 2n * p, "rsa.modulus_even"],
    ["a prime modulus", prime(2048), "rsa.modulus_prime"],
  ])("refuses %s", (_, n, rule) => {
    expect(rules(rsaSpki(n))).toEqual([rule]);
  });

  it("names the factor below 752", () => {
    expect(keyQualityProblems(rsaSpki(751n * p))[0].message).toContain("the factor 751");
  });

  it("refuses a modulus whose primes are 34 apart (Fermat factors it in the first round)", () => {
    const [a, b] = primesApart(34n);
    expect(fermatFactor(a * b)).toBe(a);
    expect(rules(rsaSpki(a * b))).toEqual(["rsa.fermat"]);
  });

  it("refuses a ROCA-structured modulus and finds no fingerprint on ordinary ones", () => {
    const n = rocaPrime() * rocaPrime();
    expect(hasRocaFingerprint(n)).toBe(true);
    expect(rules(rsaSpki(n))).toEqual(["rsa.roca"]);
    for (let i = 0; i < 5; i++) expect(hasRocaFingerprint(prime(1024) * prime(1024))).toBe(false);
  });

  it("requires exponent 65537 unless the profile says otherwise", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 3 });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    expect(rules(spki)).toEqual(["rsa.exponent"]);
    expect(rules(spki, { rsaExponent: 3 })).toEqual([]);
  });

  it.each([2048, 3072])("passes an ordinary RSA %i key from OpenSSL", (bits) => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
    expect(rules(new Uint8Array(publicKey.export({ type: "spki", format: "der" })))).toEqual([]);
  });
});

describe("key.quality: EC", () => {
  it.each(["P-256", "P-384", "P-521"])("passes an ordinary %s key and refuses its point moved off the curve", (namedCurve) => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    expect(rules(spki)).toEqual([]);
    const bad = spki.slice();
    bad[bad.length - 1] ^= 1;
    expect(rules(bad)).toEqual(["ec.point"]);
  });

  it("refuses the point at infinity", () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    // SEQUENCE { AlgorithmIdentifier, BIT STRING { 00 00 } }: the SEC 1 encoding of the identity.
    const alg = spki.subarray(2, 2 + 2 + spki[3]);
    const identity = Uint8Array.from([0x30, alg.length + 4, ...alg, 0x03, 0x02, 0x00, 0x00]);
    expect(keyQualityProblems(identity).map((p) => p.message)).toEqual(["the public key is the point at infinity of P-256"]);
  });
});
