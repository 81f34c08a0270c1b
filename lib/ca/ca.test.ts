import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { initCa } from "@/lib/services/ca/init-ca";
import { regenerateCrl, signLeaf } from "@/lib/ca/authority";
import { buildName } from "@/lib/pki/cert/name";
import { pemEncode } from "@/lib/pki/pem";

afterAll(disconnectDb);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-ca-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, label: string, der: Uint8Array) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, pemEncode(label, der));
  return file;
}

function openssl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

async function newEnv() {
  const code = `C${Math.random().toString(36).slice(2, 7).toUpperCase().replace(/[^A-Z0-9]/g, "X")}`;
  return createEnvironment(CLI_ACTOR, { code, name: "CA test", approvalsRequired: 1 });
}

async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe("CA per environment", () => {
  it("creates a root and an issuing CA with encrypted keys, first CRLs and an audit row; refuses a second", async () => {
    const env = await newEnv();
    const r = await initCa(CLI_ACTOR, { envCode: env.code, keyType: "ecdsa-p256" });
    expect(r.root.subject).toContain(`${env.code} Root CA`);
    const cas = await getDb().certificateAuthority.findMany({ where: { envId: env.id } });
    expect(cas).toHaveLength(2);
    for (const ca of cas) {
      // The sealed key is not a plaintext PKCS#8 (which would start with SEQUENCE, INTEGER 0).
      expect(Buffer.from(ca.encryptedKey).includes(Buffer.from([0x02, 0x01, 0x00, 0x30]))).toBe(false);
      const crl = await getDb().crl.findFirst({ where: { caId: ca.id } });
      expect(crl?.number).toBe(BigInt(1));
    }
    const issuing = cas.find((c) => c.kind === "issuing")!;
    expect(issuing.parentId).toBe(cas.find((c) => c.kind === "root")!.id);
    const rootPem = write("root.pem", "CERTIFICATE", cas.find((c) => c.kind === "root")!.certDer);
    const issPem = write("iss.pem", "CERTIFICATE", issuing.certDer);
    expect(openssl(["verify", "-x509_strict", "-CAfile", rootPem, issPem]).ok).toBe(true);
    expect(openssl(["x509", "-in", issPem, "-noout", "-text"]).out).toMatch(/CA:TRUE, pathlen:0/);
    expect(await getDb().auditEvent.count({ where: { action: "ca.init", targetId: env.id } })).toBe(1);

    const e = await initCa(CLI_ACTOR, { envCode: env.code }).catch((x) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("conflict");
  });

  it("uses separate keys per environment", async () => {
    const [a, b] = [await newEnv(), await newEnv()];
    await initCa(CLI_ACTOR, { envCode: a.code });
    await initCa(CLI_ACTOR, { envCode: b.code });
    const skis = (await getDb().certificateAuthority.findMany({ where: { envId: { in: [a.id, b.id] } } })).map((c) => c.ski);
    expect(new Set(skis).size).toBe(4);
  });

  it("refuses to sign without the master key, or with the wrong one, with a clear message", async () => {
    const env = await newEnv();
    await initCa(CLI_ACTOR, { envCode: env.code });
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { envId: env.id, kind: "issuing" } });
    const attempt = () => getDb().$transaction((tx) => regenerateCrl(tx, CLI_ACTOR, ca.id));
    const missing = await withEnv({ KEYPORT_MASTER_KEY: undefined, KEYPORT_MASTER_KEY_FILE: undefined }, attempt).catch((x) => x);
    expect((missing as Error).message).toMatch(/No master key: set KEYPORT_MASTER_KEY/);
    const wrong = await withEnv({ KEYPORT_MASTER_KEY: "ab".repeat(32), KEYPORT_MASTER_KEY_FILE: undefined }, attempt).catch((x) => x);
    expect((wrong as Error).message).toMatch(/does not match/);
    const short = await withEnv({ KEYPORT_MASTER_KEY: "abc", KEYPORT_MASTER_KEY_FILE: undefined }, attempt).catch((x) => x);
    expect((short as Error).message).toMatch(/64 hex characters/);
    // Nothing was written by the failed attempts.
    expect(await getDb().crl.count({ where: { caId: ca.id } })).toBe(1);
  });

  it("refuses ca init under another master key than the existing CAs, naming both ids, and writes nothing", async () => {
    await newEnv().then((env) => initCa(CLI_ACTOR, { envCode: env.code })); // at least one CA under the run's key
    const { masterKeyId } = await import("./master-key");
    const runKeyId = masterKeyId(Buffer.from(process.env.KEYPORT_MASTER_KEY!, "hex"));
    const otherKey = "cd".repeat(32);
    const env = await newEnv();
    const refused = await withEnv({ KEYPORT_MASTER_KEY: otherKey, KEYPORT_MASTER_KEY_FILE: undefined }, () => initCa(CLI_ACTOR, { envCode: env.code })).catch((x) => x);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toMatch(
      new RegExp(`^The configured master key \\(id ${masterKeyId(Buffer.from(otherKey, "hex"))}\\) is not the one the existing CAs are sealed under \\(id ${runKeyId}; environments? .*\\)\\. Set KEYPORT_MASTER_KEY`),
    );
    expect(await getDb().certificateAuthority.count({ where: { envId: env.id } })).toBe(0);
    // With the right key it works.
    await initCa(CLI_ACTOR, { envCode: env.code });
    expect(await getDb().certificateAuthority.count({ where: { envId: env.id } })).toBe(2);
  });

  it("issues a leaf openssl verifies, and after revocation the regenerated CRL refuses it", async () => {
    const env = await newEnv();
    await initCa(CLI_ACTOR, { envCode: env.code, keyType: "rsa-2048" });
    const cas = await getDb().certificateAuthority.findMany({ where: { envId: env.id } });
    const root = cas.find((c) => c.kind === "root")!;
    const issuing = cas.find((c) => c.kind === "issuing")!;
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const cert = await getDb().$transaction((tx) =>
      signLeaf(tx, {
        env,
        orgId: null,
        profileCode: "mtls-client",
        subjectDer: buildName({ CN: "svc-test", O: "Test AS", C: "NO" }),
        spkiDer: new Uint8Array(publicKey.export({ format: "der", type: "spki" })),
        keyType: "ec",
        publicKeyFingerprint: "test",
        validityDays: 397,
        extendedKeyUsage: ["clientAuth"],
        sans: { dns: ["svc.example"], ip: ["192.0.2.7"] },
      }),
    );
    const leaf = write("leaf.pem", "CERTIFICATE", cert.der);
    // The stored subject and fingerprint are what OpenSSL reads from the certificate.
    const x509 = openssl(["x509", "-in", leaf, "-noout", "-fingerprint", "-sha256", "-subject", "-nameopt", "RFC2253"]);
    expect(x509.out).toContain(`sha256 Fingerprint=${cert.sha256Fingerprint}`);
    expect(x509.out).toContain(`subject=${cert.subject}`);
    const rootPem = write("r.pem", "CERTIFICATE", root.certDer);
    const issPem = write("i.pem", "CERTIFICATE", issuing.certDer);
    const verify = (extra: string[]) => openssl(["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", rootPem, "-untrusted", issPem, ...extra, leaf]);
    expect(verify([]).ok).toBe(true);

    const crlFiles = async () => {
      const crls = await Promise.all([root, issuing].map((c) => getDb().crl.findFirstOrThrow({ where: { caId: c.id }, orderBy: { number: "desc" } })));
      return crls.map((c, i) => write(`crl${i}.pem`, "X509 CRL", c.der)).flatMap((f) => ["-CRLfile", f]);
    };
    expect(verify(["-crl_check_all", ...(await crlFiles())]).ok).toBe(true);
    await getDb().$transaction(async (tx) => {
      await tx.certificate.update({ where: { id: cert.id }, data: { revokedAt: new Date(), revocationReason: "keyCompromise" } });
      await regenerateCrl(tx, CLI_ACTOR, issuing.id);
    });
    const after = verify(["-crl_check_all", ...(await crlFiles())]);
    expect(after.ok).toBe(false);
    expect(after.out).toMatch(/certificate revoked/);
    const crl = await getDb().crl.findFirstOrThrow({ where: { caId: issuing.id }, orderBy: { number: "desc" } });
    expect(crl.number).toBe(BigInt(2));
    const crlPem = write("latest.pem", "X509 CRL", crl.der);
    const check = openssl(["crl", "-in", crlPem, "-CAfile", issPem, "-verify", "-noout", "-text"]);
    expect(check.out).toMatch(/verify OK/);
    expect(check.out).toMatch(/X509v3 CRL Number:\s*\n\s*2/);
    expect(check.out).toMatch(/Key Compromise/);
  });
});

describe("key custody", () => {
  it("keeps key decryption inside lib/ca: nothing else imports the key vault or reads the sealed key", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const { join } = await import("node:path");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) {
          if (!["node_modules", "generated", ".next"].includes(name)) walk(p);
        } else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !p.startsWith(join("lib", "ca"))) {
          // Tests may look at what is stored (to prove it is sealed); production code may not.
          const text = readFileSync(p, "utf8");
          if (/ca\/key-vault|openPrivateKey|encryptedKey|makeSigner/.test(text)) offenders.push(p);
        }
      }
    };
    for (const root of ["app", "components", "lib", "scripts"]) walk(root);
    expect(offenders).toEqual([]);
  });
});
