// The audit trail's keys, checked against the real openssl: the chain key is HKDF-SHA-256 of
// the master key (openssl kdf) and the chain hash is HMAC-SHA-256 under it (openssl dgst -hmac);
// the checkpoint key is the Ed25519 key whose seed is HKDF-SHA-256 of the master key, and its
// signatures verify with `openssl pkeyutl -verify -rawin` against the PEM Keyport offers.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openAuditSeal } from "./audit-seal";
import { checkpointPublicKey, signCheckpoint, verifyCheckpointSignature } from "./checkpoint-key";

const dir = mkdtempSync(join(tmpdir(), "keyport-audit-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string | Uint8Array) => {
  writeFileSync(join(dir, name), body);
  return join(dir, name);
};

const masterHex = randomBytes(32).toString("hex");
const envOf = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;
const env = envOf({ KEYPORT_MASTER_KEY: masterHex });

/** HKDF-SHA-256 by openssl itself (RFC 5869; empty salt), as hex. */
function opensslHkdf(info: string): string {
  return execFileSync("openssl", ["kdf", "-keylen", "32", "-kdfopt", "digest:SHA256", "-kdfopt", `hexkey:${masterHex}`, "-kdfopt", `info:${info}`, "HKDF"], { encoding: "utf8" })
    .trim()
    .replace(/:/g, "")
    .toLowerCase();
}

describe("audit chain key", () => {
  it("is HMAC-SHA-256 under HKDF-SHA-256(master key, 'keyport audit chain v1'), as openssl computes it", () => {
    const seal = openAuditSeal(env);
    const text = '{"action":"certificate_request.approve","actorEmail":"officer@x.test"}';
    const chainKey = opensslHkdf("keyport audit chain v1");
    const expected = execFileSync("openssl", ["dgst", "-sha256", "-mac", "HMAC", "-macopt", `hexkey:${chainKey}`, "-r"], { input: text, encoding: "utf8" }).split(" ")[0];
    expect(seal.mac(text)).toBe(expected);
    // Not the plain SHA-256 anyone could compute, and not the master key itself as the HMAC key.
    expect(seal.mac(text)).not.toBe(createHash("sha256").update(text).digest("hex"));
    expect(chainKey).not.toBe(masterHex);
    // Another master key, another chain.
    expect(openAuditSeal(envOf({ KEYPORT_MASTER_KEY: randomBytes(32).toString("hex") })).mac(text)).not.toBe(seal.mac(text));
    expect(seal.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it("cannot be opened without a master key: the master key's own message", () => {
    expect(() => openAuditSeal(envOf({}))).toThrow(/^No master key: set KEYPORT_MASTER_KEY/);
    expect(() => checkpointPublicKey(envOf({}))).toThrow(/^No master key: set KEYPORT_MASTER_KEY/);
    expect(() => openAuditSeal(envOf({ KEYPORT_MASTER_KEY: "abc" }))).toThrow(/64 hex characters/);
  });
});

describe("checkpoint key", () => {
  it("is the Ed25519 key of seed HKDF-SHA-256(master key, 'keyport audit checkpoint key v1'), the same every time", () => {
    const key = checkpointPublicKey(env);
    // RFC 8410 §7's PrivateKeyInfo for an Ed25519 seed (its fixed 16-byte prefix), read by openssl: same public key.
    const seed = Buffer.from(opensslHkdf("keyport audit checkpoint key v1"), "hex");
    const der = file("seed.der", Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]));
    const opensslPem = execFileSync("openssl", ["pkey", "-inform", "DER", "-in", der, "-pubout"], { encoding: "utf8" });
    expect(key.pem).toBe(opensslPem);
    expect(checkpointPublicKey(env)).toEqual(key);
    // The fingerprint is what openssl prints for the key's DER (dgst -c: colon-separated).
    const spkiDer = execFileSync("openssl", ["pkey", "-pubin", "-in", file("key.pem", key.pem), "-outform", "DER"]);
    const digest = execFileSync("openssl", ["dgst", "-sha256", "-c"], { input: spkiDer, encoding: "utf8" }).trim().split("= ")[1];
    expect(key.sha256).toBe(digest.toUpperCase());
    expect(checkpointPublicKey(envOf({ KEYPORT_MASTER_KEY: randomBytes(32).toString("hex") })).sha256).not.toBe(key.sha256);
  });

  it("signs checkpoint text that `openssl pkeyutl -verify -rawin` accepts with the offered PEM, and nothing else", () => {
    const { pem, sha256 } = checkpointPublicKey(env);
    const text = (fp: string) => `keyport audit checkpoint v1\nseq: 42\nhash: ${"ab".repeat(32)}\nat: 2026-12-01T00:00:00.000Z\npublic key SHA-256: ${fp}\n`;
    const { signature, publicKeySha256 } = signCheckpoint(text, env);
    expect(publicKeySha256).toBe(sha256);
    expect(signature).toHaveLength(64);
    const keyFile = file("checkpoint-key.pem", pem);
    const sigFile = file("checkpoint.sig", signature);
    const verify = (message: string) =>
      spawnSync("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", keyFile, "-rawin", "-in", file("checkpoint.txt", message), "-sigfile", sigFile], { encoding: "utf8" });
    const good = verify(text(sha256));
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/Signature Verified Successfully/);
    const edited = verify(text(sha256).replace("seq: 42", "seq: 41"));
    expect(edited.status).not.toBe(0);
    expect(edited.stdout + edited.stderr).toMatch(/Signature Verification Failure/);

    expect(verifyCheckpointSignature(text(sha256), signature, env)).toBe(true);
    expect(verifyCheckpointSignature(text(sha256).replace("42", "43"), signature, env)).toBe(false);
    expect(verifyCheckpointSignature(text(sha256), signature.subarray(0, 63), env)).toBe(false);
    expect(verifyCheckpointSignature(text(sha256), signature, envOf({ KEYPORT_MASTER_KEY: randomBytes(32).toString("hex") }))).toBe(false);
  });
});
