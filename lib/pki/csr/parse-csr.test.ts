import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import * as asn1js from "asn1js";
import { describe, expect, it } from "vitest";
import { base64Decode } from "@/lib/pki/pem";
import { children, encodedBytes, parseExact } from "./asn1-nodes";
import { ascii, buildCsr, extension, implicitName, rawString } from "./fixtures/build-csr";
import { CsrError, type ParsedCsr, parseCsr, readCsr } from "./parse-csr";

const DIR = path.join(import.meta.dirname, "fixtures");
const load = (name: string): string | Uint8Array =>
  /\.(der|p12|bin)$/.test(name) ? new Uint8Array(readFileSync(path.join(DIR, name))) : readFileSync(path.join(DIR, name), "utf8");

async function read(name: string): Promise<ParsedCsr> {
  const r = await readCsr(load(name));
  if (!r.ok) throw new Error(`${name}: ${r.finding.code} ${r.finding.message}`);
  return r.csr;
}

/** fingerprints.txt: "<file> <sha256 of SPKI DER>", written by make-fixtures.sh with openssl. */
const FINGERPRINTS = new Map(
  readFileSync(path.join(DIR, "fingerprints.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(" ") as [string, string]),
);

const ACME = "C=NO, O=Acme Payments AS, CN=acme-client";
const RSA = "1.2.840.113549.1.1.1";

type Expect = {
  key: Partial<ParsedCsr["key"]>;
  signature: ParsedCsr["signature"];
  valid: boolean;
  error?: RegExp;
};

const pkcs1 = (hash: "md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512", oidTail: number) => ({
  oid: `1.2.840.113549.1.1.${oidTail}`,
  name: `${hash}WithRSAEncryption`,
  scheme: "rsa-pkcs1" as const,
  hash,
});
const pss = (hash: "sha256" | "sha384") => ({ oid: "1.2.840.113549.1.1.10", name: "RSASSA-PSS", scheme: "rsa-pss" as const, hash });
const ecdsa = (hash: "sha256" | "sha384" | "sha512", tail: number) => ({ oid: `1.2.840.10045.4.3.${tail}`, name: `ecdsa-with-${hash.toUpperCase()}`, scheme: "ecdsa" as const, hash });
const rsaKey = (bits: number, exponent = 65537) => ({ type: "rsa" as const, oid: RSA, bits, exponent, label: `RSA ${bits}` });
const ecKey = (curve: string, bits: number) => ({ type: "ec" as const, oid: "1.2.840.10045.2.1", curve, bits, label: `ECDSA ${curve}` });

const TABLE: [string, Expect][] = [
  ["rsa2048.csr.pem", { key: rsaKey(2048), signature: pkcs1("sha256", 11), valid: true }],
  ["rsa3072.csr.pem", { key: rsaKey(3072), signature: pkcs1("sha384", 12), valid: true }],
  ["rsa4096.csr.pem", { key: rsaKey(4096), signature: pkcs1("sha512", 13), valid: true }],
  ["rsa1024.csr.pem", { key: rsaKey(1024), signature: pkcs1("sha256", 11), valid: true }],
  ["rsa2048-e3.csr.pem", { key: rsaKey(2048, 3), signature: pkcs1("sha256", 11), valid: true }],
  ["rsa2048-sha1.csr.pem", { key: rsaKey(2048), signature: pkcs1("sha1", 5), valid: true }],
  // SHA-224 is never an allowed hash: not checked, like MD5 (no hand-written verifier, issue 14).
  ["rsa2048-sha224.csr.pem", { key: rsaKey(2048), signature: pkcs1("sha224", 14), valid: false, error: /SHA-224 is not an allowed hash/ }],
  ["rsa2048-md5.csr.pem", { key: rsaKey(2048), signature: pkcs1("md5", 4), valid: false, error: /MD5/ }],
  ["rsa2048-pss-sig.csr.pem", { key: rsaKey(2048), signature: pss("sha256"), valid: true }],
  ["rsa2048-pss-maxsalt.csr.pem", { key: rsaKey(2048), signature: pss("sha384"), valid: true }],
  [
    "rsapss-key.csr.pem",
    { key: { type: "rsa", oid: "1.2.840.113549.1.1.10", bits: 2048, exponent: 65537, label: "RSA-PSS 2048" }, signature: pss("sha256"), valid: true },
  ],
  ["ec-p256.csr.pem", { key: ecKey("P-256", 256), signature: ecdsa("sha256", 2), valid: true }],
  // The same key as a compressed point and with explicit curve parameters: one key, one fingerprint.
  ["ec-p256-compressed.csr.pem", { key: ecKey("P-256", 256), signature: ecdsa("sha256", 2), valid: true }],
  ["ec-p384-compressed.csr.pem", { key: ecKey("P-384", 384), signature: ecdsa("sha384", 3), valid: true }],
  ["ec-p256-explicit.csr.pem", { key: ecKey("P-256", 256), signature: ecdsa("sha256", 2), valid: true }],
  // Digests WebCrypto lacks: named, not checked, never a mismatch.
  [
    "ec-p256-sha3-256.csr.pem",
    { key: ecKey("P-256", 256), signature: { oid: "2.16.840.1.101.3.4.3.10", name: "ecdsa-with-SHA3-256", scheme: "ecdsa", hash: null }, valid: false, error: /ecdsa-with-SHA3-256 cannot be checked/ },
  ],
  [
    "rsa2048-sha3-256.csr.pem",
    { key: rsaKey(2048), signature: { oid: "2.16.840.1.101.3.4.3.14", name: "sha3-256WithRSAEncryption", scheme: "rsa-pkcs1", hash: null }, valid: false, error: /sha3-256WithRSAEncryption cannot be checked/ },
  ],
  [
    "rsa2048-sha512-256.csr.pem",
    { key: rsaKey(2048), signature: { oid: "1.2.840.113549.1.1.16", name: "sha512-256WithRSAEncryption", scheme: "rsa-pkcs1", hash: null }, valid: false, error: /sha512-256WithRSAEncryption cannot be checked/ },
  ],
  ["ec-p384.csr.pem", { key: ecKey("P-384", 384), signature: ecdsa("sha384", 3), valid: true }],
  ["ec-p521.csr.pem", { key: ecKey("P-521", 521), signature: ecdsa("sha512", 4), valid: true }],
  ["ec-secp256k1.csr.pem", { key: ecKey("secp256k1", 256), signature: ecdsa("sha256", 2), valid: false, error: /secp256k1.*not|only on P-256/ }],
  ["ed25519.csr.pem", { key: { type: "ed25519", oid: "1.3.101.112", label: "Ed25519" }, signature: { oid: "1.3.101.112", name: "Ed25519", scheme: "eddsa", hash: null }, valid: true }],
  ["ed448.csr.pem", { key: { type: "ed448", oid: "1.3.101.113", label: "Ed448" }, signature: { oid: "1.3.101.113", name: "Ed448", scheme: "eddsa", hash: null }, valid: true }],
  [
    "dsa2048.csr.pem",
    {
      key: { type: "dsa", oid: "1.2.840.10040.4.1", bits: 2048, label: "DSA 2048" },
      signature: { oid: "2.16.840.1.101.3.4.3.2", name: "dsa-with-SHA256", scheme: "dsa", hash: "sha256" },
      valid: false,
      error: /DSA/,
    },
  ],
  ["tampered.csr.pem", { key: rsaKey(2048), signature: pkcs1("sha256", 11), valid: false, error: /mismatch/ }],
  ["tampered.csr.der", { key: rsaKey(2048), signature: pkcs1("sha256", 11), valid: false, error: /mismatch/ }],
  // Other encodings of rsa2048
  ["rsa2048.csr.der", { key: rsaKey(2048), signature: pkcs1("sha256", 11), valid: true }],
  ["rsa2048.csr.b64", { key: rsaKey(2048), signature: pkcs1("sha256", 11), valid: true }],
  ["rsa2048-crlf.csr.pem", { key: rsaKey(2048), signature: pkcs1("sha256", 11), valid: true }],
  ["rsa2048-cr.csr.pem", { key: rsaKey(2048), signature: pkcs1("sha256", 11), valid: true }],
  ["rsa2048-new-header.csr.pem", { key: rsaKey(2048), signature: pkcs1("sha256", 11), valid: true }],
];

describe("parseCsr over the fixtures", () => {
  // A fixture the local OpenSSL could not make (MD5 on a stricter build) is skipped, not failed.
  it.each(TABLE.filter(([name]) => existsSync(path.join(DIR, name))))("%s", async (name, want) => {
    const csr = await read(name);
    expect(csr.key).toEqual(want.key);
    expect(csr.signature).toEqual(want.signature);
    expect(csr.signatureValid).toBe(want.valid);
    if (want.valid) expect(csr.signatureError).toBeUndefined();
    else expect(csr.signatureError).toMatch(want.error!);
    // Only a mismatch is a mismatch: schemes WebCrypto cannot check are flagged as such.
    expect(csr.signatureUnsupported ?? false).toBe(!want.valid && !/mismatch/.test(String(want.error)));
    expect(csr.subjectString).toBe(ACME);
    const base = name.replace(/\.(der|b64)$/, ".pem").replace(/-(cr|new-header)\.csr/, ".csr").replace("tampered", "rsa2048");
    expect(csr.publicKeyFingerprint).toBe(FINGERPRINTS.get(base));
  });

  it("fingerprints equal OpenSSL's SPKI for the key in canonical form (uncompressed, named curve; rsaEncryption), run now", async () => {
    let haveOpenssl = true;
    try {
      execFileSync("openssl", ["version"]);
    } catch {
      haveOpenssl = false;
    }
    if (!haveOpenssl) return;
    const canonical = {
      plain: `openssl req -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum`,
      ec: `openssl req -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER -ec_conv_form uncompressed -ec_param_enc named_curve | sha256sum`,
      // The RSAPublicKey read back as a plain RSA key: the rsaEncryption SPKI of the same (n, e).
      pss: `openssl req -in "$1" -pubkey -noout | openssl rsa -pubin -RSAPublicKey_out -outform DER | openssl rsa -RSAPublicKey_in -inform DER -pubout -outform DER | sha256sum`,
    };
    for (const [name, how] of [
      ["rsa2048.csr.pem", "plain"],
      ["rsapss-key.csr.pem", "pss"],
      ["ec-p521.csr.pem", "plain"],
      ["ec-p256-compressed.csr.pem", "ec"],
      ["ec-p256-explicit.csr.pem", "ec"],
      ["ed25519.csr.pem", "plain"],
      ["dsa2048.csr.pem", "plain"],
      ["utf8.csr.pem", "plain"],
    ] as const) {
      const out = execFileSync("bash", ["-c", canonical[how], "_", path.join(DIR, name)], { stdio: ["ignore", "pipe", "ignore"] });
      expect((await read(name)).publicKeyFingerprint, name).toBe(out.toString().split(" ")[0]);
    }
  });

  it("canonical SPKI: the CSR's own bytes for the usual encodings, so fingerprints stored before canonicalisation still match", async () => {
    const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
    for (const name of ["rsa2048.csr.pem", "rsa3072.csr.pem", "rsa4096.csr.pem", "ec-p256.csr.pem", "ec-p384.csr.pem", "ec-p521.csr.pem", "ed25519.csr.pem", "dsa2048.csr.pem"]) {
      const csr = await read(name);
      expect(csr.spkiReencoded, name).toBe(false);
      // The old definition: SHA-256 over the SPKI exactly as encoded in the CSR.
      const spkiAsEncoded = children(children(parseExact(csr.der)!)[0])[2];
      expect(csr.publicKeyFingerprint, name).toBe(sha256(encodedBytes(spkiAsEncoded)));
    }
  });

  it("a compressed point or explicit parameters: re-encoded to the uncompressed named-curve SPKI of the same key", async () => {
    const plain = await read("ec-p256.csr.pem");
    for (const name of ["ec-p256-compressed.csr.pem", "ec-p256-explicit.csr.pem"]) {
      const other = await read(name);
      expect(other.spkiReencoded, name).toBe(true);
      expect(Buffer.from(other.spkiDer).equals(Buffer.from(plain.spkiDer)), name).toBe(true);
      expect(other.publicKeyFingerprint).toBe(plain.publicKeyFingerprint);
      // What issuance will write: uncompressed (04 || X || Y), as `openssl ec -conv_form uncompressed` prints it.
      expect(Buffer.from(other.spkiDer).subarray(-65)[0]).toBe(0x04);
    }
    const p384 = await read("ec-p384.csr.pem");
    const p384c = await read("ec-p384-compressed.csr.pem");
    expect(p384c.publicKeyFingerprint).toBe(p384.publicKeyFingerprint);
    // An id-RSASSA-PSS key is the same key pair as the rsaEncryption key with its (n, e).
    expect((await read("rsapss-key.csr.pem")).spkiReencoded).toBe(true);
  });

  it("an EC point that is not on the curve is a damaged CSR", async () => {
    const der = base64Decode((load("ec-p256.csr.pem") as string).replace(/-----[^-]+-----/g, ""))!;
    const csr = await read("ec-p256.csr.pem");
    const at = Buffer.from(der).indexOf(Buffer.from(csr.spkiDer)) + csr.spkiDer.length - 1;
    const changed = Uint8Array.from(der);
    changed[at] ^= 0x01;
    const r = await readCsr(changed);
    expect(r.ok ? "ok" : r.finding.code).toBe("malformed");
    if (!r.ok) expect(r.finding.message).toMatch(/not a point on P-256/);
  });

  it("keeps the exact DER, a canonical PEM and the SPKI and subject bytes as encoded", async () => {
    const der = load("rsa2048.csr.der") as Uint8Array;
    const csr = await read("rsa2048-crlf.csr.pem");
    expect(Buffer.from(csr.der).equals(der)).toBe(true);
    expect(csr.pem).toBe((load("rsa2048.csr.pem") as string).replace(/\r/g, ""));
    const hex = Buffer.from(der).toString("hex");
    expect(hex).toContain(Buffer.from(csr.subjectDer).toString("hex"));
    expect(Buffer.from(csr.subjectDer).toString("hex").slice(0, 2)).toBe("30");
    expect(hex).toContain(Buffer.from(csr.spkiDer).toString("hex"));
    expect(csr.requestedExtensions).toEqual([]);
    expect(csr.sans).toEqual([]);
  });
});

describe("subjects", () => {
  it("default OpenSSL subject: order and string types", async () => {
    const csr = await read("rsa2048.csr.pem");
    expect(csr.subject).toEqual([
      { oid: "2.5.4.6", name: "C", value: "NO", valueType: "printableString" },
      { oid: "2.5.4.10", name: "O", value: "Acme Payments AS", valueType: "utf8String" },
      { oid: "2.5.4.3", name: "CN", value: "acme-client", valueType: "utf8String" },
    ]);
    expect(csr.subjectRdns.map((r) => r.length)).toEqual([1, 1, 1]);
  });

  it("UTF-8 subject decodes exactly (Latin-1 letters and an astral-plane emoji)", async () => {
    const csr = await read("utf8.csr.pem");
    expect(csr.subject.map((a) => [a.name, a.value, a.valueType])).toEqual([
      ["C", "NO", "printableString"],
      ["O", "Blåbær Ødegård AS", "utf8String"],
      ["OU", "Betaling 💳", "utf8String"],
      ["CN", "blåbær-klient", "utf8String"],
    ]);
    expect(csr.subjectString).toBe("C=NO, O=Blåbær Ødegård AS, OU=Betaling 💳, CN=blåbær-klient");
    // The bytes of O are the UTF-8 of the text, as in the CSR.
    expect(Buffer.from(csr.subjectDer).includes(Buffer.from("Blåbær Ødegård AS", "utf8"))).toBe(true);
  });

  it("BMPString, IA5String and PrintableString (string_mask = pkix)", async () => {
    const csr = await read("string-types.csr.pem");
    expect(csr.subject.map((a) => [a.name, a.value, a.valueType])).toEqual([
      ["C", "NO", "printableString"],
      ["O", "Blåbær Ødegård AS", "bmpString"],
      ["emailAddress", "pki@acme.example", "ia5String"],
      ["CN", "acme-client", "printableString"],
    ]);
  });

  it("TeletexString as Latin-1", async () => {
    const csr = await read("teletex.csr.pem");
    expect(csr.subject[1]).toEqual({ oid: "2.5.4.10", name: "O", value: "Blåbær Ødegård AS", valueType: "teletexString" });
  });

  it("multi-valued RDN stays visible", async () => {
    const csr = await read("multivalue.csr.pem");
    expect(csr.subjectRdns.map((rdn) => rdn.map((a) => a.name))).toEqual([["C"], ["OU", "O"], ["CN"]]);
    expect(csr.subject.map((a) => a.name)).toEqual(["C", "OU", "O", "CN"]);
    expect(csr.subjectString).toBe("C=NO, OU=Clearing+O=Acme Payments AS, CN=acme-client");
  });

  it("empty subject", async () => {
    const csr = await read("empty-subject.csr.pem");
    expect(csr.subject).toEqual([]);
    expect(csr.subjectString).toBe("");
    expect(Buffer.from(csr.subjectDer).toString("hex")).toBe("3000");
    expect(csr.sans).toEqual([{ type: "dns", value: "empty-subject.example" }]);
  });

  it("UniversalString, VisibleString, NumericString, unknown attributes, escaping", async () => {
    const der = await buildCsr({
      subject: [
        ["2.5.4.6", rawString(19, ascii("NO"))],
        ["2.5.4.10", rawString(28, [0, 0, 0, 0x42, 0, 0, 0, 0xe5, 0, 1, 0xf4, 0xb3])], // "Bå💳" in UTF-32BE
        ["2.5.4.11", rawString(26, ascii("Ops, Team +1"))],
        ["2.5.4.5", rawString(18, ascii("12345 678"))],
        ["0.9.2342.19200300.100.1.25", rawString(22, ascii("example"))],
        ["1.2.3.4.5", new asn1js.Integer({ value: 7 })],
        ["2.5.4.3", rawString(12, ascii(" #lead and trail "))],
      ],
    });
    const csr = await parseCsr(der);
    expect(csr.subject.map((a) => [a.name, a.value, a.valueType])).toEqual([
      ["C", "NO", "printableString"],
      ["O", "Bå💳", "universalString"],
      ["OU", "Ops, Team +1", "visibleString"],
      ["serialNumber", "12345 678", "numericString"],
      ["DC", "example", "ia5String"],
      ["1.2.3.4.5", "#020107", "other"],
      ["CN", " #lead and trail ", "utf8String"],
    ]);
    expect(csr.subjectString).toBe("C=NO, O=Bå💳, OU=Ops\\, Team \\+1, serialNumber=12345 678, DC=example, 1.2.3.4.5=#020107, CN=\\ #lead and trail\\ ");
    expect(csr.signatureValid).toBe(true);
  });

  it.each([
    ["invalid UTF-8", rawString(12, [0x41, 0xc3, 0x28]), /UTF8String that is not valid UTF-8/],
    ["non-ASCII PrintableString", rawString(19, [0x41, 0xe5]), /PrintableString containing non-ASCII/],
    // asn1js itself refuses an odd-length BMPString while parsing, so the reason is the generic one.
    ["odd-length BMPString", rawString(30, [0, 0x41, 0]), /BMPString|not valid DER/],
    ["UniversalString surrogate", rawString(28, [0, 0, 0xd8, 0]), /UniversalString/],
  ])("rejects %s as malformed", async (_, value, why) => {
    const der = await buildCsr({ subject: [["2.5.4.3", value]] });
    const r = await readCsr(der);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.finding.code).toBe("malformed");
      expect(r.finding.message).toMatch(why);
    }
    await expect(parseCsr(der)).rejects.toBeInstanceOf(CsrError);
  });
});

describe("requested extensions and SANs", () => {
  it("SANs of every common type, IPv6 compressed and lower case; criticality", async () => {
    const csr = await read("sans.csr.pem");
    expect(csr.sans).toEqual([
      { type: "dns", value: "api.acme.example" },
      { type: "dns", value: "*.mtls.acme.example" },
      { type: "ip", value: "192.0.2.10" },
      { type: "ip", value: "2001:db8::1" },
      { type: "email", value: "ops@acme.example" },
      { type: "uri", value: "spiffe://acme.example/client" },
    ]);
    expect(csr.requestedExtensions).toEqual([
      { oid: "2.5.29.17", critical: false },
      { oid: "2.5.29.15", critical: true },
      { oid: "2.5.29.37", critical: false },
    ]);
    expect(csr.signatureValid).toBe(true);
  });

  it("otherName, directoryName, registeredID and IPv4-mapped IPv6", async () => {
    const upn = new asn1js.Constructed({
      idBlock: { tagClass: 3, tagNumber: 0 },
      value: [
        new asn1js.ObjectIdentifier({ value: "1.3.6.1.4.1.311.20.2.3" }),
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Utf8String({ value: "svc@acme.example" })] }),
      ],
    });
    const dirName = new asn1js.Constructed({
      idBlock: { tagClass: 3, tagNumber: 4 },
      value: [new asn1js.Sequence({ value: [new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "2.5.4.3" }), new asn1js.Utf8String({ value: "dir" })] })] })] })],
    });
    const names = new asn1js.Sequence({
      value: [
        upn,
        dirName,
        implicitName(8, [0x2a, 0x03, 0x04]), // 1.2.3.4
        implicitName(7, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]),
        implicitName(7, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
        implicitName(7, [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        implicitName(2, ascii("host.example")),
      ],
    });
    const csr = await parseCsr(await buildCsr({ subject: [["2.5.4.3", rawString(12, ascii("x"))]], extensions: [extension("2.5.29.17", names, true)] }));
    expect(csr.sans).toEqual([
      { type: "other", value: "otherName:1.3.6.1.4.1.311.20.2.3:svc@acme.example" },
      { type: "other", value: "directoryName:CN=dir" },
      { type: "other", value: "registeredID:1.2.3.4" },
      { type: "ip", value: "::ffff:192.0.2.1" },
      { type: "ip", value: "2001:db8:0:0:1::" },
      { type: "ip", value: "fe80::" },
      { type: "dns", value: "host.example" },
    ]);
    expect(csr.requestedExtensions).toEqual([{ oid: "2.5.29.17", critical: true }]);
  });

  it.each([
    ["a duplicated extension", [extension("2.5.29.15", new asn1js.BitString({ valueHex: new Uint8Array([0x80]) })), extension("2.5.29.15", new asn1js.BitString({ valueHex: new Uint8Array([0x80]) }))], /requested twice/],
    ["an empty SAN", [extension("2.5.29.17", new asn1js.Sequence({ value: [] }))], /non-empty GeneralNames/],
    ["a 5-byte iPAddress", [extension("2.5.29.17", new asn1js.Sequence({ value: [implicitName(7, [1, 2, 3, 4, 5])] }))], /iPAddress/],
    ["a SAN that is not DER", [extension("2.5.29.17", new Uint8Array([0x30, 0x05, 0x82]))], /GeneralNames/],
  ])("rejects %s as malformed", async (_, extensions, why) => {
    const r = await readCsr(await buildCsr({ subject: [], extensions }));
    expect(r.ok ? "ok" : r.finding.code).toBe("malformed");
    if (!r.ok) expect(r.finding.message).toMatch(why);
  });
});

describe("errors", () => {
  it("parseCsr throws CsrError with a finding for DER that is not a CSR", async () => {
    const cert = load("cert-selfsigned.der") as Uint8Array;
    const err = await parseCsr(cert).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsrError);
    expect((err as CsrError).finding.code).toBe("malformed");
    await expect(parseCsr(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(CsrError);
  });

  it("readCsr passes intake findings through", async () => {
    const r = await readCsr(load("key-pkcs8.pem"));
    expect(r.ok ? "ok" : r.finding.code).toBe("private_key");
  });

  it("a signature over a modified request fails, for each scheme", async () => {
    for (const name of ["ec-p256.csr.pem", "ed25519.csr.pem", "rsa2048-pss-sig.csr.pem", "rsapss-key.csr.pem"]) {
      const der = base64Decode((load(name) as string).replace(/-----[^-]+-----/g, ""))!;
      // Change one byte of the CN value ("acme-client" → "acme-clienu") inside certificationRequestInfo.
      const at = Buffer.from(der).indexOf(Buffer.from("acme-client")) + 10;
      const changed = Uint8Array.from(der);
      changed[at] ^= 0x01;
      const csr = await parseCsr(changed);
      expect(csr.signatureValid, name).toBe(false);
      expect(csr.signatureError, name).toMatch(/mismatch/);
    }
  });
});
