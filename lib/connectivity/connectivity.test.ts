// mTLS in practice, from a fresh environment: a partner submits a CSR and a source IP,
// officers approve both, the partner downloads the certificate, and then a real nginx
// (configured by `keyport gateway nginx`) and Keyport's own connectivity listener accept
// it from the allowlisted IP and refuse it everywhere else, and once revoked.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeWorld, opensslCsr, type TestUser } from "@/lib/testing/world";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { downloadCertificate, downloadTruststore } from "@/lib/services/certificates/download-certificate";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { getCertificate } from "@/lib/services/certificates/read-certificates";
import { approveAllowlistRequest, submitAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { caChainFile, getEnvironmentCaChain } from "@/lib/services/ca/ca-chain";
import { buildKeyAndChainPkcs12 } from "@/lib/pki/pkcs12";
import { runCli } from "@/lib/cli/run-cli";
import { signLeaf } from "@/lib/ca/authority";
import { buildName } from "@/lib/pki/cert/name";
import { pemEncode } from "@/lib/pki/pem";
import { parseListenerConfig, startConnectivityListener, type RunningListener } from "./listener";

const hasNginx = (() => {
  try {
    execFileSync("nginx", ["-v"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
})();

const hasJavac = (() => {
  try {
    execFileSync("javac", ["-version"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
})();

let dir: string;
let world: Awaited<ReturnType<typeof makeWorld>>;
let other: Awaited<ReturnType<typeof makeWorld>>;
let revokedId = "";
let expiredId = "";
let goodId = "";
let listener: RunningListener;

const cli = (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, { migrate: async () => [] }).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
};

/** Submit a CSR as a partner, have an officer approve it, download the chain; returns the certificate id and writes name.pem/name.key. */
async function issue(w: typeof world, partner: TestUser, officer: TestUser, name: string) {
  const { csr, key } = opensslCsr(`/CN=${w.orgA.code}-${name}/O=${w.orgA.legalName}`);
  const { id } = await submitCertificateRequest(partner.actor, { environment: w.env.code, csr });
  const request = await approveCertificateRequest(officer.actor, id);
  const chain = await downloadCertificate(partner.actor, request.certificateId!, "chain");
  writeFileSync(join(dir, `${name}.pem`), chain.body);
  writeFileSync(join(dir, `${name}.key`), key);
  return request.certificateId!;
}

type CurlResult = { status: number; body: string; error: string };

function curl(url: string, opts: { cert?: string; cacert: string; from?: string }): Promise<CurlResult> {
  const args = ["-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}", "--cacert", opts.cacert];
  if (opts.cert) args.push("--cert", join(dir, `${opts.cert}.pem`), "--key", join(dir, `${opts.cert}.key`));
  if (opts.from) args.push("--interface", opts.from);
  args.push(url);
  return new Promise((resolve) => {
    execFile("curl", args, { encoding: "utf8" }, (_e, stdout, stderr) => {
      const i = stdout.lastIndexOf("\n");
      resolve({ status: Number(stdout.slice(i + 1)) || 0, body: stdout.slice(0, i), error: stderr });
    });
  });
}

const DAY = 86_400_000;

/**
 * A certificate that is really expired: signed by the environment's issuing CA (through lib/ca, the
 * only place CA keys are used) with a validity that ended yesterday. Writes name.pem (chain) and name.key.
 */
async function issueExpired(w: typeof world, name: string) {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spkiDer = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const chain = await getEnvironmentCaChain(w.env.code);
  const cert = await getDb().$transaction((tx) =>
    signLeaf(tx, {
      env: chain.env,
      orgId: w.orgA.id,
      profileCode: "mtls-client",
      subjectDer: buildName({ CN: `${w.orgA.code}-${name}`, O: w.orgA.legalName }),
      spkiDer,
      keyType: "ec",
      publicKeyFingerprint: createHash("sha256").update(spkiDer).digest("hex"),
      validityDays: 1,
      extendedKeyUsage: ["clientAuth"],
      sans: { dns: [], ip: [] },
      at: new Date(Date.now() - 2 * DAY),
    }),
  );
  writeFileSync(join(dir, `${name}.pem`), pemEncode("CERTIFICATE", new Uint8Array(cert.der)) + pemEncode("CERTIFICATE", new Uint8Array(chain.issuing.certDer)));
  writeFileSync(join(dir, `${name}.key`), privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  return cert.id;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "keyport-mtls-"));
  chmodSync(dir, 0o755); // nginx workers read the files
  world = await makeWorld({ approvalsRequired: 2 });
  other = await makeWorld();
  // The partner asks for 127.0.0.1 (a warning outside production); two officers approve.
  const allow = await submitAllowlistRequest(world.partnerA.actor, { environment: world.env.code, entries: ["127.0.0.1"], note: "test runner" });
  await approveAllowlistRequest(world.officer1.actor, allow.id);
  await approveAllowlistRequest(world.officer2.actor, allow.id);
  const twoOfficers = async (name: string) => {
    const { csr, key } = opensslCsr(`/CN=${world.orgA.code}-${name}`);
    const { id } = await submitCertificateRequest(world.partnerA.actor, { environment: world.env.code, csr });
    await approveCertificateRequest(world.officer1.actor, id);
    const r = await approveCertificateRequest(world.officer2.actor, id);
    writeFileSync(join(dir, `${name}.pem`), (await downloadCertificate(world.partnerA.actor, r.certificateId!, "chain")).body);
    writeFileSync(join(dir, `${name}.key`), key);
    return r.certificateId!;
  };
  goodId = await twoOfficers("good");
  revokedId = await twoOfficers("revoked");
  expiredId = await twoOfficers("expired");
  await issueExpired(world, "really-expired");
  await issue(other, other.partnerA, other.officer1, "foreign");
  await revokeCertificate(world.partnerA.actor, revokedId, { reason: "keyCompromise" });
  // A certificate whose row says expired (the listener reads validity from the database); "really-expired" is expired in its DER too.
  await getDb().certificate.update({ where: { id: expiredId }, data: { notAfter: new Date(Date.now() - 60_000) } });
  writeFileSync(join(dir, "ca.pem"), (await caChainFile(world.env.code, "pem")).body);
  listener = await startConnectivityListener({ envCode: world.env.code, port: 0 });
  writeFileSync(join(dir, "listener-ca.pem"), listener.caPem);
}, 120_000);

afterAll(async () => {
  await listener?.close();
  rmSync(dir, { recursive: true, force: true });
  await disconnectDb();
});

describe("built-in connectivity listener", () => {
  const url = () => `https://127.0.0.1:${listener.port}/api/healthCheck`;

  it("answers 200 naming the organisation, serial, expiry and source IP, and records it on the certificate", async () => {
    const r = await curl(url(), { cert: "good", cacert: join(dir, "listener-ca.pem") });
    expect(r.status, r.error).toBe(200);
    const body = JSON.parse(r.body);
    const cert = await getCertificate(world.partnerA.actor, goodId);
    expect(body).toMatchObject({ status: "ok", organisation: world.orgA.code, sourceIp: "127.0.0.1", environment: world.env.code, certificate: { serial: cert.serial } });
    expect(new Date(body.certificate.notAfter).getTime()).toBe(cert.notAfter.getTime());
    const after = await getCertificate(world.partnerA.actor, goodId);
    expect(after.connectivity[0]).toMatchObject({ sourceIp: "127.0.0.1" });
  });

  it("tells each refusal apart: no certificate, unknown CA, revoked, expired, source IP not allowlisted", async () => {
    const ca = join(dir, "listener-ca.pem");
    const cases = [
      [await curl(url(), { cacert: ca }), 401, "no_certificate"],
      [await curl(url(), { cert: "foreign", cacert: ca }), 401, "unknown_ca"],
      [await curl(url(), { cert: "revoked", cacert: ca }), 403, "revoked"],
      [await curl(url(), { cert: "expired", cacert: ca }), 403, "expired"],
      [await curl(url(), { cert: "really-expired", cacert: ca }), 403, "expired"],
      [await curl(url(), { cert: "good", cacert: ca, from: "127.0.0.2" }), 403, "ip_not_allowed"],
    ] as const;
    for (const [r, status, code] of cases) {
      expect(r.status, `${code}: ${r.error}`).toBe(status);
      expect(JSON.parse(r.body).error.code).toBe(code);
    }
  });

  it("serves a GnuTLS client too (gnutls-cli): 200 with a valid certificate, 403 once revoked", async () => {
    // gnutls-cli closes the TLS session at end of input: keep stdin open until the answer is in.
    const gnutls = (cert: string) =>
      new Promise<string>((resolve) => {
        const child = spawn(
          "gnutls-cli",
          ["--port", String(listener.port), "--x509cafile", join(dir, "listener-ca.pem"), "--x509certfile", join(dir, `${cert}.pem`), "--x509keyfile", join(dir, `${cert}.key`), "127.0.0.1"],
          { stdio: ["pipe", "pipe", "pipe"] },
        );
        let out = "";
        const done = () => {
          clearTimeout(timer);
          child.kill();
          resolve(out);
        };
        const timer = setTimeout(done, 15_000);
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString("utf8");
          if (/HTTP\/1\.1 \d{3}[\s\S]*\r\n\r\n[\s\S]*\}\s*$/.test(out)) done();
        });
        child.on("exit", done);
        child.stdin!.write("GET /api/healthCheck HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      });
    const ok = await gnutls("good");
    expect(ok).toMatch(/HTTP\/1\.1 200/);
    expect(ok).toContain(`"organisation":"${world.orgA.code}"`);
    const revoked = await gnutls("revoked");
    expect(revoked).toMatch(/HTTP\/1\.1 403/);
    expect(revoked).toContain('"code":"revoked"');
  });

  it.skipIf(!hasJavac && !process.env.CI)(
    "serves a Java client (JSSE, java.net.http) using Keyport's PKCS#12 with key and PKCS#12 truststore: 200, then 403 once revoked",
    async () => {
      // The partner's keystore is built by the same code the browser runs ("PKCS#12 with my key");
      // the truststore is the download officers and partners get from the certificate page.
      const password = "java-keystore-1";
      const keystore = async (name: string) => {
        const pem = readFileSync(join(dir, `${name}.pem`), "utf8");
        const [leaf, ...chain] = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(Buffer.from(m[1], "base64")));
        const keyPem = readFileSync(join(dir, `${name}.key`), "utf8");
        const pkcs8 = new Uint8Array(Buffer.from(keyPem.replace(/-----[^-]+-----|\s/g, ""), "base64"));
        const p12 = await buildKeyAndChainPkcs12({ privateKeyPkcs8Der: pkcs8, certificateDer: leaf, chainDer: chain, password, iterations: 100_000 });
        writeFileSync(join(dir, `${name}.p12`), p12);
        return join(dir, `${name}.p12`);
      };
      const trust = await downloadTruststore(world.partnerA.actor, goodId, { password });
      writeFileSync(join(dir, "truststore.p12"), trust.body);
      const java = (ks: string) =>
        new Promise<string>((resolve) => {
          execFile(
            "java",
            [join(import.meta.dirname, "clients", "HealthCheck.java"), `https://127.0.0.1:${listener.port}/api/healthCheck`, ks, join(dir, "truststore.p12"), password],
            { encoding: "utf8", timeout: 60_000 },
            (_e, stdout, stderr) => resolve(stdout + stderr),
          );
        });
      const ok = await java(await keystore("good"));
      expect(ok).toMatch(/^HTTP 200$/m);
      expect(ok).toContain(`"organisation":"${world.orgA.code}"`);
      const revoked = await java(await keystore("revoked"));
      expect(revoked).toMatch(/^HTTP 403$/m);
      expect(revoked).toContain('"code":"revoked"');
    },
    120_000,
  );

  it("reads its configuration strictly", () => {
    expect(parseListenerConfig("PPR:8443, PRD:8444")).toEqual([
      { envCode: "PPR", port: 8443 },
      { envCode: "PRD", port: 8444 },
    ]);
    expect(() => parseListenerConfig("PPR=8443")).toThrow(/ENV:PORT/);
  });
});

describe.skipIf(!hasNginx && !process.env.CI)("nginx configured by keyport gateway nginx", () => {
  let nginx: ChildProcess | undefined;
  let port = 0;
  const conf = () => join(dir, "nginx.conf");
  const nginxArgs = () => ["-p", join(dir, "nginx"), "-c", conf()];

  afterAll(() => {
    nginx?.kill("SIGTERM");
  });

  it("accepts an issued certificate from the allowlisted IP and refuses every other case, and a certificate once revoked", async () => {
    const out = join(dir, "gw");
    port = await freePort();
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "server.key"), "-out", join(dir, "server.crt")], { stdio: "pipe" });
    const gen = await cli(["gateway", "nginx", "--env", world.env.code, "--out", out, "--listen", `127.0.0.1:${port}`, "--server-name", "localhost", "--server-cert", join(dir, "server.crt"), "--server-key", join(dir, "server.key")]);
    expect(gen.code, gen.err).toBe(0);
    expect(readFileSync(join(out, "allowlist.conf"), "utf8")).toMatch(/allow 127\.0\.0\.1\/32;.*\ndeny all;\n$/);
    expect(readFileSync(join(out, "crl.pem"), "utf8").match(/BEGIN X509 CRL/g)).toHaveLength(2);
    expect(readFileSync(join(out, "README.md"), "utf8")).toMatch(/gateway sync/);
    execFileSync("mkdir", ["-p", join(dir, "nginx", "logs"), join(dir, "nginx", "tmp")]);
    writeFileSync(
      conf(),
      `pid ${join(dir, "nginx", "nginx.pid")};
error_log ${join(dir, "nginx", "logs", "error.log")} info;
worker_processes 1;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${join(dir, "nginx", "tmp")};
  proxy_temp_path ${join(dir, "nginx", "tmp")};
  fastcgi_temp_path ${join(dir, "nginx", "tmp")};
  uwsgi_temp_path ${join(dir, "nginx", "tmp")};
  scgi_temp_path ${join(dir, "nginx", "tmp")};
  include ${join(out, "server.conf")};
}
`,
    );
    execFileSync("nginx", [...nginxArgs(), "-t"], { stdio: "pipe" });
    nginx = spawn("nginx", [...nginxArgs(), "-g", "daemon off;"], { stdio: "ignore" });
    const url = `https://127.0.0.1:${port}/api/healthCheck`;
    const cacert = join(dir, "server.crt");
    let ok: CurlResult = { status: 0, body: "", error: "" };
    for (let i = 0; i < 50 && ok.status === 0; i++) {
      ok = await curl(url, { cert: "good", cacert });
      if (ok.status === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok.status, ok.error).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ status: "ok", environment: world.env.code });
    expect((await curl(url, { cacert })).status).toBe(400);
    expect((await curl(url, { cert: "foreign", cacert })).status).toBe(400);
    expect((await curl(url, { cert: "revoked", cacert })).status).toBe(400);
    expect((await curl(url, { cert: "really-expired", cacert })).status).toBe(400);
    expect((await curl(url, { cert: "good", cacert, from: "127.0.0.2" })).status).toBe(403);

    // Revoke the good certificate, sync the gateway files, reload: nginx now refuses it.
    await revokeCertificate(world.officer1.actor, goodId, { reason: "superseded" });
    const sync = await cli(["gateway", "sync", "--env", world.env.code, "--out", out]);
    expect(sync.code, sync.err).toBe(0);
    expect(sync.out).toMatch(/Updated crl\.pem/);
    execFileSync("nginx", [...nginxArgs(), "-s", "reload"], { stdio: "pipe" });
    let refused = 200;
    for (let i = 0; i < 50 && refused === 200; i++) {
      refused = (await curl(url, { cert: "good", cacert })).status;
      if (refused === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused).toBe(400);
    // The built-in listener refuses it at once (it reads revocations live).
    const listenerAnswer = await curl(`https://127.0.0.1:${listener.port}/api/healthCheck`, { cert: "good", cacert: join(dir, "listener-ca.pem") });
    expect(JSON.parse(listenerAnswer.body).error.code).toBe("revoked");
    expect((await cli(["gateway", "sync", "--env", world.env.code, "--out", out])).out).toMatch(/No change/);
  });
});
