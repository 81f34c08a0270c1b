import { ECDH, createECDH, createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as asn1js from "asn1js";
import { describe, expect, it } from "vitest";
import { parseExact } from "@/lib/pki/csr/asn1-nodes";
import { describePublicKey } from "@/lib/pki/csr/public-key";
import { canonicalEcSpki, canonicalRsaSpki } from "./canonical-spki";
import { EcPointError, PRIME_CURVES, decodeEcPoint, magnitudeHex } from "./ec-curves";

const NODE_CURVE: Record<string, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", secp256k1: "secp256k1" };
const OPENSSL_CURVE = NODE_CURVE;

const spkiOf = (der: Uint8Array) => parseExact(der)!;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("curve parameters", () => {
  it.each(PRIME_CURVES.map((c) => [c.name, c] as const))("%s equals `openssl ecparam -param_enc explicit`", (_, c) => {
    const der = execFileSync("openssl", ["ecparam", "-name", OPENSSL_CURVE[c.name], "-param_enc", "explicit", "-outform", "DER"]);
    // ECParameters: SEQUENCE { version, SEQUENCE { prime-field, p }, SEQUENCE { a, b, seed }, base, order, cofactor }
    const [, field, curve, base, order, cofactor] = (asn1js.fromBER(new Uint8Array(der) as BufferSource).result as asn1js.Sequence).valueBlock.value;
    const int = (n: asn1js.AsnType) => magnitudeHex((n as asn1js.Primitive).valueBlock.valueHexView);
    const [, p] = (field as asn1js.Sequence).valueBlock.value;
    const [a, b] = (curve as asn1js.Sequence).valueBlock.value;
    expect([int(p), int(a), int(b), int(order), int(cofactor)]).toEqual([c.p, c.a, c.b, c.n, c.h]);
    expect(hex((base as asn1js.OctetString).valueBlock.valueHexView)).toBe(c.g);
    expect(hex(decodeEcPoint(c, Buffer.from(c.g, "hex")).uncompressed)).toBe(c.g);
  });
});

describe("decodeEcPoint", () => {
  it.each(PRIME_CURVES.map((c) => [c.name, c] as const))("%s: compressed and hybrid points decompress to what node:crypto (OpenSSL) says", (_, c) => {
    for (let i = 0; i < 8; i++) {
      const key = new ECDHKey(NODE_CURVE[c.name]);
      const uncompressed = key.publicKey("uncompressed");
      const compressed = key.publicKey("compressed");
      const hybrid = key.publicKey("hybrid");
      for (const form of [uncompressed, compressed, hybrid]) {
        const p = decodeEcPoint(c, form);
        expect(hex(p.uncompressed)).toBe(hex(uncompressed));
      }
      expect(decodeEcPoint(c, compressed).form).toBe("compressed");
    }
  });

  it("refuses points that are not on the curve, and bad encodings", () => {
    const c = PRIME_CURVES[0];
    const good = new ECDHKey("prime256v1").publicKey("uncompressed");
    const offCurve = Uint8Array.from(good);
    offCurve[64] ^= 1;
    expect(() => decodeEcPoint(c, offCurve)).toThrow(EcPointError);
    expect(() => decodeEcPoint(c, offCurve)).toThrow(/not a point on P-256/);
    // An x with no square root of x³ + ax + b: search a small one.
    let x = 1n;
    // Test-side arithmetic (Euler's criterion), independent of the code under test.
    const [P, A, B] = [c.p, c.a, c.b].map((h) => BigInt(`0x${h}`));
    const rhs = (v: bigint) => (((v * v * v + A * v + B) % P) + P) % P;
    const isSquare = (v: bigint) => {
      let r = 1n;
      let b = v;
      for (let e = (P - 1n) / 2n; e > 0n; e >>= 1n) {
        if (e & 1n) r = (r * b) % P;
        b = (b * b) % P;
      }
      return r === 1n;
    };
    while (isSquare(rhs(x))) x++;
    const noRoot = Uint8Array.from([0x02, ...Buffer.from(x.toString(16).padStart(64, "0"), "hex")]);
    expect(() => decodeEcPoint(c, noRoot)).toThrow(/not a point on P-256/);
    expect(() => decodeEcPoint(c, good.subarray(0, 64))).toThrow(/not an encoded P-256 point/);
    expect(() => decodeEcPoint(c, Uint8Array.of(0))).toThrow(EcPointError); // the point at infinity
    const badHybrid = Uint8Array.from(good);
    badHybrid[0] = good[64] & 1 ? 0x06 : 0x07;
    expect(() => decodeEcPoint(c, badHybrid)).toThrow(/hybrid/);
  });
});

describe("canonical SPKI", () => {
  it("is byte for byte what OpenSSL (node:crypto) exports for RSA and EC keys, so fingerprints stored before stay valid", () => {
    for (const opts of [
      { type: "rsa", options: { modulusLength: 2048 } },
      { type: "rsa", options: { modulusLength: 2048, publicExponent: 3 } },
      { type: "ec", options: { namedCurve: "P-256" } },
      { type: "ec", options: { namedCurve: "P-384" } },
      { type: "ec", options: { namedCurve: "P-521" } },
    ] as const) {
      const { publicKey } = generateKeyPairSync(opts.type as "rsa", opts.options as { modulusLength: number });
      const der = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
      const described = describePublicKey(spkiOf(der));
      expect(hex(described.canonicalSpki!), JSON.stringify(opts)).toBe(hex(der));
    }
  });

  it("RSA: minimal INTEGERs, rsaEncryption with NULL", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = publicKey.export({ format: "jwk" });
    const n = Buffer.from(jwk.n!, "base64url");
    const e = Buffer.from(jwk.e!, "base64url");
    const padded = Uint8Array.from([0, 0, 0, ...n]);
    expect(hex(canonicalRsaSpki(padded, Uint8Array.from([0, ...e])))).toBe(hex(new Uint8Array(publicKey.export({ type: "spki", format: "der" }))));
  });

  it("EC: a compressed point gives the same SPKI as the uncompressed one (node:crypto reads it back)", () => {
    const key = new ECDHKey("secp384r1");
    const c = PRIME_CURVES.find((x) => x.name === "P-384")!;
    const p = decodeEcPoint(c, key.publicKey("compressed"));
    const spki = canonicalEcSpki(c, p.uncompressed);
    const back = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    expect(back.export({ format: "jwk" })).toMatchObject({ crv: "P-384", x: Buffer.from(key.publicKey("uncompressed").subarray(1, 49)).toString("base64url") });
    expect(createHash("sha256").update(spki).digest("hex")).toBe(createHash("sha256").update(back.export({ type: "spki", format: "der" })).digest("hex"));
  });
});

/** A random EC key through node's ECDH, which converts between point encodings (OpenSSL underneath). */
class ECDHKey {
  private readonly uncompressed: Buffer;
  constructor(private readonly curve: string) {
    const ecdh = createECDH(curve);
    ecdh.generateKeys();
    this.uncompressed = ecdh.getPublicKey();
  }
  publicKey(format: "uncompressed" | "compressed" | "hybrid"): Uint8Array {
    return new Uint8Array(ECDH.convertKey(this.uncompressed, this.curve, undefined, undefined, format) as Buffer);
  }
}

describe("non-canonical encodings a CSR may carry", () => {
  it("RSA: padded INTEGERs, long-form lengths and absent parameters become the one DER form; a negative modulus is refused", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const canonical = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const jwk = publicKey.export({ format: "jwk" });
    const n = Buffer.from(jwk.n!, "base64url");
    // RSAPublicKey with a needlessly padded exponent, in an SPKI whose AlgorithmIdentifier omits NULL and whose
    // SEQUENCE uses a 4-octet length (BER, not DER).
    const int = (b: Buffer) => Buffer.concat([Buffer.from([0x02, 0x82, b.length >> 8, b.length & 0xff]), b]);
    const rsaKey = Buffer.concat([int(Buffer.concat([Buffer.from([0]), n])), int(Buffer.from([0, 0, 1, 0, 1]))]);
    const rsaSeq = Buffer.concat([Buffer.from([0x30, 0x82, rsaKey.length >> 8, rsaKey.length & 0xff]), rsaKey]);
    const bits = Buffer.concat([Buffer.from([0x03, 0x82, (rsaSeq.length + 1) >> 8, (rsaSeq.length + 1) & 0xff, 0]), rsaSeq]);
    const alg = Buffer.from("300b06092a864886f70d010101", "hex");
    const body = Buffer.concat([alg, bits]);
    const ber = Buffer.concat([Buffer.from([0x30, 0x84, 0, 0, body.length >> 8, body.length & 0xff]), body]);
    const described = describePublicKey(parseExact(new Uint8Array(ber))!);
    expect(described.key).toMatchObject({ type: "rsa", bits: 2048, exponent: 65537 });
    expect(hex(described.canonicalSpki!)).toBe(hex(canonical));

    const negative = Buffer.from(ber);
    negative[negative.indexOf(Buffer.concat([Buffer.from([0]), n.subarray(0, 8)]))] = 0xff; // the modulus' leading 00 → ff
    expect(() => describePublicKey(parseExact(new Uint8Array(negative))!)).toThrow(/negative modulus/);
  });
});
