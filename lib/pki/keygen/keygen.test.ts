// In-browser key + CSR generation and key-file handling, checked with the real openssl.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCsr } from "../csr/parse-csr";
import { runTool } from "../interop/tools";
import { DEFAULT_PROFILE } from "@/lib/policy/profile";
import { runCsrChecks } from "@/lib/policy/checks";
import { generateKeyAndCsr, type KeyTypeId } from "./generate";
import { PrivateKeyFileProblem, privateKeyPem, readPrivateKeyFile } from "./private-key-file";
import { hostileRsaPkcs8, hostileRsaPrivateKey } from "../csr/fixtures/hostile-csr";

const dir = mkdtempSync(join(tmpdir(), "keyport-keygen-"));
let n = 0;
const file = (content: string | Uint8Array, ext = "pem") => {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, content);
  return path;
};
const openssl = async (...args: string[]) => {
  const r = await runTool("openssl", args);
  if (r.code !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.output}`);
  return r.stdout;
};
const pubOfDerKey = (der: Uint8Array) => openssl("pkey", "-inform", "DER", "-in", file(der, "der"), "-pubout");

const SUBJECT = [
  { type: "C", value: "NL" },
  { type: "O", value: "Acme Payments B.V." },
  { type: "CN", value: "TLSMA-RSA/acme/TSH/TSP.PPR" },
];

describe("generateKeyAndCsr", () => {
  it.each<KeyTypeId>(["rsa-2048", "ecdsa-p256", "ecdsa-p384"])("%s: openssl verifies the CSR, the subject is single-valued RDNs in order, every check passes", async (keyType) => {
    const g = await generateKeyAndCsr({ keyType, subject: SUBJECT });
    const csrPath = file(g.csrPem);
    const out = await openssl("req", "-in", csrPath, "-verify", "-noout", "-subject", "-nameopt", "RFC2253");
    expect(out).toContain("subject=CN=TLSMA-RSA/acme/TSH/TSP.PPR,O=Acme Payments B.V.,C=NL");
    const csrPub = await openssl("req", "-in", csrPath, "-noout", "-pubkey");
    expect(await pubOfDerKey(g.privateKeyPkcs8Der)).toBe(csrPub);
    const read = await readCsr(g.csrPem);
    if (!read.ok) throw new Error(read.finding.message);
    expect(read.csr.subjectRdns.every((rdn) => rdn.length === 1)).toBe(true);
    const checks = runCsrChecks(read.csr, DEFAULT_PROFILE, { orgCode: "acme", orgName: "Acme Payments B.V.", envCode: "PPR" });
    expect(checks.filter((c) => c.result !== "pass")).toEqual([]);
    expect(read.csr.signature.hash).toBe(keyType === "ecdsa-p384" ? "sha384" : "sha256");
  });

  it("refuses an empty subject and a bad country code before generating anything", async () => {
    await expect(generateKeyAndCsr({ keyType: "ecdsa-p256", subject: [] })).rejects.toThrow(/at least one attribute/);
    await expect(generateKeyAndCsr({ keyType: "ecdsa-p256", subject: [{ type: "C", value: "Nederland" }] })).rejects.toThrow(/two-letter/);
    await expect(generateKeyAndCsr({ keyType: "ecdsa-p256", subject: [{ type: "CN", value: " x" }] })).rejects.toThrow(/surrounding spaces/);
  });
});

describe("private key files", () => {
  it("writes PKCS#8 PEM that openssl reads, and an encrypted one only the passphrase opens", async () => {
    const g = await generateKeyAndCsr({ keyType: "ecdsa-p256", subject: [{ type: "CN", value: "acme-client" }] });
    const want = await pubOfDerKey(g.privateKeyPkcs8Der);
    const plain = await privateKeyPem(g.privateKeyPkcs8Der);
    expect(plain).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await openssl("pkey", "-in", file(plain), "-pubout")).toBe(want);

    const enc = await privateKeyPem(g.privateKeyPkcs8Der, "correct horse battery", 2048);
    expect(enc).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const encPath = file(enc);
    expect(await openssl("pkey", "-in", encPath, "-passin", "pass:correct horse battery", "-pubout")).toBe(want);
    expect((await runTool("openssl", ["pkey", "-in", encPath, "-passin", "pass:wrong passphrase", "-pubout"])).code).not.toBe(0);
    const info = await openssl("asn1parse", "-in", encPath);
    expect(info).toContain("PBES2");
    expect(info).toContain("hmacWithSHA256");
    expect(info).toContain("aes-256-cbc");

    // And back: right, wrong and missing passphrase.
    expect(await pubOfDerKey(await readPrivateKeyFile(new TextEncoder().encode(enc), "correct horse battery"))).toBe(want);
    await expect(readPrivateKeyFile(new TextEncoder().encode(enc), "wrong passphrase!")).rejects.toMatchObject({ reason: "wrong_passphrase" });
    await expect(readPrivateKeyFile(new TextEncoder().encode(enc))).rejects.toMatchObject({ reason: "needs_passphrase" });
    await expect(privateKeyPem(g.privateKeyPkcs8Der, "short")).rejects.toThrow(/at least 8/);
  });

  it("reads every key file openssl writes: PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, PEM and DER", async () => {
    for (const alg of [["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]]) {
      const keyPath = join(dir, `k${n++}.pem`);
      await openssl("genpkey", ...alg, "-out", keyPath);
      const want = await openssl("pkey", "-in", keyPath, "-pubout");
      const variants: [string, string[], string?][] = [
        ["pkcs8 pem", ["-in", keyPath]],
        ["traditional pem", ["-in", keyPath, "-traditional"]],
        ["pkcs8 der", ["-in", keyPath, "-outform", "DER"]],
        ["traditional der", ["-in", keyPath, "-outform", "DER", "-traditional"]],
        ["encrypted pkcs8", ["-in", keyPath, "-aes-256-cbc", "-passout", "pass:s3cret-pass"], "s3cret-pass"],
      ];
      for (const [name, args, pass] of variants) {
        const out = join(dir, `v${n++}`);
        await openssl("pkey", ...args, "-out", out);
        const der = await readPrivateKeyFile(new Uint8Array(readFileSync(out)), pass);
        expect(await pubOfDerKey(der), `${alg[1]} ${name}`).toBe(want);
      }
      const legacy = join(dir, `l${n++}.pem`);
      await openssl(alg[1] === "RSA" ? "rsa" : "ec", "-in", keyPath, "-traditional", "-aes256", "-passout", "pass:s3cret-pass", "-out", legacy);
      await expect(readPrivateKeyFile(new Uint8Array(readFileSync(legacy)), "s3cret-pass")).rejects.toMatchObject({ reason: "unsupported_key_file" });
    }
  });

  it("refuses an RSA key over the size limits (lib/pki/key/rsa-limits.ts) before anything works with it", async () => {
    const pem = (der: Uint8Array, label: string) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64")}\n-----END ${label}-----\n`;
    for (const [file, message] of [
      [pem(hostileRsaPrivateKey(16384), "RSA PRIVATE KEY"), /This key cannot be used: the RSA modulus has 16384 bits; Keyport reads RSA keys up to 8192 bits/],
      [pem(hostileRsaPkcs8(2048, 4096), "PRIVATE KEY"), /the RSA public exponent has 4096 bits/],
    ] as const) {
      const err = await readPrivateKeyFile(new TextEncoder().encode(file)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrivateKeyFileProblem);
      expect(err).toMatchObject({ reason: "unsupported_key_file", message: expect.stringMatching(message) });
    }
  });

  it("tells a certificate, a CSR and junk apart from a key", async () => {
    const g = await generateKeyAndCsr({ keyType: "ecdsa-p256", subject: [{ type: "CN", value: "acme-client" }] });
    const err = await readPrivateKeyFile(new TextEncoder().encode(g.csrPem)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrivateKeyFileProblem);
    expect((err as PrivateKeyFileProblem).message).toMatch(/No private key in this file \(PEM blocks: CERTIFICATE REQUEST\)/);
    await expect(readPrivateKeyFile(new TextEncoder().encode("hello"))).rejects.toMatchObject({ reason: "not_a_private_key" });
    await expect(readPrivateKeyFile(g.csrDer)).rejects.toMatchObject({ reason: "not_a_private_key" });
  });
});
