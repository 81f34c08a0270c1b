// mTLS in practice, from a fresh environment: a partner submits a CSR and a source IP,
// officers approve both, the partner downloads the certificate, and then a real nginx
// (configured by `keyport gateway nginx`) and Keyport's own connectivity listener accept
// it from the allowlisted IP and refuse it everywhere else, and once revoked.
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeWorld, opensslCsr, uniq, type TestUser } from "@/lib/testing/world";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { initCa } from "@/lib/services/ca/init-ca";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { downloadCertificate, downloadTruststore } from "@/lib/services/certificates/download-certificate";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { certificateStatus, getCertificate, listCertificates } from "@/lib/services/certificates/read-certificates";
import { approveAllowlistRequest, submitAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { caChainFile, getEnvironmentCaChain, getEnvironmentCrl } from "@/lib/services/ca/ca-chain";
import { buildKeyAndChainPkcs12 } from "@/lib/pki/pkcs12";
import { runCli } from "@/lib/cli/run-cli";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { ensureListenerCredential, renewDueListenerCredentials } from "@/lib/ca/listener-credential";
import { jobByName } from "@/lib/jobs/definitions";
import { latestCrl, regenerateCrl, signLeaf } from "@/lib/ca/authority";
import { buildName } from "@/lib/pki/cert/name";
import { pemEncode } from "@/lib/pki/pem";
import {
  SERVER_CERT_RENEW_BEFORE_MS,
  healthCheckUrl,
  parseListenerConfig,
  serverCertificateNames,
  startConfiguredListeners,
  startConnectivityListener,
  type RunningListener,
} from "./listener";

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
let reallyExpiredId = "";
let listener: RunningListener;
const listenerLog: string[] = [];

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

function curl(url: string, opts: { cert?: string; cacert: string; from?: string; headers?: string[] }): Promise<CurlResult> {
  const args = ["-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}", "--cacert", opts.cacert];
  if (opts.cert) args.push("--cert", join(dir, `${opts.cert}.pem`), "--key", join(dir, `${opts.cert}.key`));
  if (opts.from) args.push("--interface", opts.from);
  for (const h of opts.headers ?? []) args.push("-H", h);
  args.push(url);
  return new Promise((resolve) => {
    execFile("curl", args, { encoding: "utf8" }, (_e, stdout, stderr) => {
      const i = stdout.lastIndexOf("\n");
      resolve({ status: Number(stdout.slice(i + 1)) || 0, body: stdout.slice(0, i), error: stderr });
    });
  });
}

const DAY = 86_400_000;

/** The certificate a TLS server presents, verified against `ca` and the host name (as any client would). */
function presentedCertificate(host: string, port: number, ca: string) {
  return new Promise<{ serial: string; sans: string }>((resolve, reject) => {
    const socket = tlsConnect({ host, port, ca, rejectUnauthorized: true }, () => {
      const peer = socket.getPeerCertificate();
      socket.destroy();
      resolve({ serial: peer.serialNumber, sans: peer.subjectaltname ?? "" });
    });
    socket.once("error", reject);
  });
}
const sha256Colons = (der: Uint8Array) => createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g)!.join(":");
const pemBlocks = (pem: string) => [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----\n?/g)].map((m) => m[0]);

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

const freePort = (host = "127.0.0.1") =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, host, () => {
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
  await twoOfficers("fresh"); // stays valid and unrevoked through every test
  reallyExpiredId = await issueExpired(world, "really-expired");
  await issue(other, other.partnerA, other.officer1, "foreign");
  await revokeCertificate(world.partnerA.actor, revokedId, { reason: "keyCompromise" });
  // A certificate whose row says expired (the listener reads validity from the database); "really-expired" is expired in its DER too.
  await getDb().certificate.update({ where: { id: expiredId }, data: { notAfter: new Date(Date.now() - 60_000) } });
  writeFileSync(join(dir, "ca.pem"), (await caChainFile(world.env.code, "pem")).body);
  listener = await startConnectivityListener({ envCode: world.env.code, port: 0, log: { info: (l) => listenerLog.push(l), error: (l) => listenerLog.push(l) } });
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
    // On the certificate's timeline, the same for the partner and for officers: issued from its request, then verified.
    const after = await getCertificate(world.partnerA.actor, goodId);
    expect(after.timeline.events[0]).toMatchObject({ type: "issued", requestId: cert.requestId, message: expect.stringContaining(`certificate request ${cert.requestId!.slice(0, 8)}`) });
    expect(after.timeline.events.at(-1)).toMatchObject({
      type: "connectivity_verified",
      sourceIp: "127.0.0.1",
      environment: world.env.code,
      message: expect.stringMatching(/^Connectivity verified at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC from 127\.0\.0\.1$/),
    });
    expect((await getCertificate(world.officer1.actor, goodId)).timeline).toEqual(after.timeline);
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
    // Refusals are not verifications: the timelines show issue, revocation with its reason, and expiry only.
    const types = async (id: string) => (await getCertificate(world.officer1.actor, id)).timeline.events.map((e) => e.type);
    expect(await types(revokedId)).toEqual(["issued", "revoked"]);
    expect((await getCertificate(world.partnerA.actor, revokedId)).timeline.events[1].message).toMatch(/^Revoked at .* UTC, reason: keyCompromise$/);
    expect(await types(reallyExpiredId)).toEqual(["issued", "expired"]);
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

  it("renews its server certificate before it expires, serving the new one without a restart", async () => {
    const fresh = listener.serverCertificate();
    expect((await presentedCertificate("127.0.0.1", listener.port, listener.caPem)).serial).toBe(fresh.serial.toUpperCase());
    // Not due yet: nothing changes.
    expect(await listener.renewIfDue()).toBe(false);
    // An instance bound to another host name needs it in the certificate: one naming both replaces it
    // (issued 25 days ago here, so that it is due now).
    const aged = await ensureListenerCredential(world.env, { dns: ["aged.keyport.test"], ip: [] }, CLI_ACTOR, new Date(Date.now() - 25 * 86_400_000));
    expect(aged.issued).toBe(true);
    expect(await listener.renewIfDue(new Date(Date.now() - 25 * 86_400_000))).toBe(true);
    const first = listener.serverCertificate();
    expect(first.id).toBe(aged.certificate.id);
    expect((await presentedCertificate("127.0.0.1", listener.port, listener.caPem)).sans).toMatch(/DNS:aged\.keyport\.test/);
    listenerLog.length = 0;
    // Less than SERVER_CERT_RENEW_BEFORE_MS left: a new certificate from the same CA, linked to the one it replaces.
    expect(first.notAfter.getTime() - Date.now()).toBeLessThan(SERVER_CERT_RENEW_BEFORE_MS);
    const [a, b] = await Promise.all([listener.renewIfDue(), listener.renewIfDue()]);
    expect([a, b]).toEqual([true, true]); // one renewal, shared
    const second = listener.serverCertificate();
    expect(listenerLog).toEqual([`[keyport] connectivity listener for ${world.env.code}: new server certificate ${second.serial}, valid until ${second.notAfter.toISOString()}.`]);
    expect(second.serial).not.toBe(first.serial);
    expect(second.notAfter.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect((await presentedCertificate("127.0.0.1", listener.port, listener.caPem)).serial).toBe(second.serial.toUpperCase());
    const row = await getDb().certificate.findUniqueOrThrow({ where: { id: second.id } });
    expect(row).toMatchObject({ orgId: null, profileCode: "connectivity-server", renewsCertificateId: first.id, revokedAt: null });
    // The names are kept: the renewal still names the other instance's host.
    expect((await presentedCertificate("127.0.0.1", listener.port, listener.caPem)).sans).toMatch(/DNS:aged\.keyport\.test/);
    // Client tests keep working across the change.
    expect((await curl(`https://127.0.0.1:${listener.port}/api/healthCheck`, { cert: "fresh", cacert: join(dir, "listener-ca.pem") })).status).toBe(200);
  });

  it("shares one server certificate between instances; the renewal job renews it and every listener reloads it", async () => {
    // A second instance's listener for the same environment serves the same certificate: none issued for it.
    const before = await getDb().certificate.count({ where: { envId: world.env.id, profileCode: "connectivity-server" } });
    const other = await startConnectivityListener({ envCode: world.env.code, port: 0, renewCheckEveryMs: 60_000, log: { info: () => {}, error: () => {} } });
    try {
      const shared = listener.serverCertificate();
      expect(other.serverCertificate().id).toBe(shared.id);
      expect(await getDb().certificate.count({ where: { envId: world.env.id, profileCode: "connectivity-server" } })).toBe(before);
      // Not due: the job renews nothing.
      expect(await renewDueListenerCredentials(CLI_ACTOR)).toEqual([{ environment: world.env.code, action: "fresh", serial: shared.serial }]);
      // Make it due (one issued 25 days ago, naming one more host), and let both listeners serve it.
      const past = new Date(Date.now() - 25 * 86_400_000);
      const aged = await ensureListenerCredential(world.env, { dns: ["aged2.keyport.test"], ip: [] }, CLI_ACTOR, past);
      expect(await other.renewIfDue(past)).toBe(true);
      expect(await listener.renewIfDue(past)).toBe(true);
      const agedCount = await getDb().certificate.count({ where: { envId: world.env.id, profileCode: "connectivity-server" } });
      // The job (on whichever instance it runs) renews it once, even when two runs race.
      const [r1, r2] = await Promise.all([renewDueListenerCredentials(CLI_ACTOR), renewDueListenerCredentials(CLI_ACTOR)]);
      expect([r1[0].action, r2[0].action].sort()).toEqual(["fresh", "renewed"]);
      expect(r1[0].serial).toBe(r2[0].serial);
      expect(r1[0].serial).not.toBe(aged.certificate.serial);
      expect(await getDb().certificate.count({ where: { envId: world.env.id, profileCode: "connectivity-server" } })).toBe(agedCount + 1);
      // Both listeners pick the new one up on their next reload, without a restart (and renew nothing themselves).
      expect(await other.renewIfDue()).toBe(true);
      expect(await listener.renewIfDue()).toBe(true);
      expect(await getDb().certificate.count({ where: { envId: world.env.id, profileCode: "connectivity-server" } })).toBe(agedCount + 1);
      expect(listener.serverCertificate().serial).toBe(r1[0].serial);
      for (const l of [listener, other]) expect((await presentedCertificate("127.0.0.1", l.port, l.caPem)).serial).toBe(r1[0].serial.toUpperCase());
      expect(jobByName("listener-certificate-renewal")?.cron).toBe("17 * * * *");
    } finally {
      await other.close();
      listenerLog.length = 0;
    }
  });

  it("names loopback (IPv4 and IPv6), the public host and the bind host in its certificate, and serves on IPv6", async () => {
    expect(serverCertificateNames("127.0.0.1", "http://localhost:3000")).toEqual({ dns: ["localhost"], ip: ["127.0.0.1", "::1"] });
    expect(serverCertificateNames("::", "https://keyport.example")).toEqual({ dns: ["localhost", "keyport.example"], ip: ["127.0.0.1", "::1"] });
    expect(serverCertificateNames("0.0.0.0", "https://[2001:DB8::10]:8080")).toEqual({ dns: ["localhost"], ip: ["127.0.0.1", "::1", "2001:db8::10"] });
    expect(serverCertificateNames("mtls.internal.example", "https://198.51.100.4")).toEqual({ dns: ["localhost", "mtls.internal.example"], ip: ["127.0.0.1", "::1", "198.51.100.4"] });
    expect(serverCertificateNames("[2001:db8::7]", "http://localhost:3000").ip).toContain("2001:db8::7");
    expect(healthCheckUrl("::", 5645)).toBe("https://[::]:5645/api/healthCheck");
    expect(healthCheckUrl("[::1]", 5645)).toBe("https://[::1]:5645/api/healthCheck");
    expect(healthCheckUrl("0.0.0.0", 8443)).toBe("https://0.0.0.0:8443/api/healthCheck");

    const v6 = await startConnectivityListener({ envCode: world.env.code, port: 0, host: "::1", publicUrl: "https://keyport.example:3000" });
    try {
      const seen = await presentedCertificate("::1", v6.port, v6.caPem); // verifies IP:::1 against the certificate
      expect(seen.sans).toContain("DNS:keyport.example");
      expect(seen.sans).toContain("IP Address:127.0.0.1");
      expect(seen.sans).toMatch(/IP Address:(::1|0:0:0:0:0:0:0:1)\b/);
    } finally {
      await v6.close();
    }
  });

  it("keeps its own certificates out of partners' views and never 'expiring'; officers see them labelled and can revoke them", async () => {
    const current = listener.serverCertificate();
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    const all = await listCertificates(world.officer1.actor, { environment: world.env.code, limit: 1000 });
    expect(all.find((c) => c.id === current.id)).toMatchObject({ organisation: null, service: "Keyport connectivity listener", status: "valid" });
    // 30 days of validity is inside a partner certificate's "expiring" window; Keyport renews its own, so it is not "expiring".
    expect(certificateStatus({ notAfter: current.notAfter, revokedAt: null, orgId: world.orgA.id, profileCode: "mtls-client" })).toBe("expiring");
    expect(ids(await listCertificates(world.officer1.actor, { environment: world.env.code, status: "expiring" }))).not.toContain(current.id);
    expect(ids(await listCertificates(world.officer1.actor, { environment: world.env.code, status: "valid" }))).toContain(current.id);
    expect(ids(await listCertificates(world.partnerA.actor, { environment: world.env.code }))).not.toContain(current.id);
    await expect(getCertificate(world.partnerA.actor, current.id)).rejects.toMatchObject({ code: "not_found" });

    // Still a certificate the CA signed: an officer can revoke one, and the CRL lists it.
    const temporary = await startConnectivityListener({ envCode: world.env.code, port: 0 });
    const { id, serial } = temporary.serverCertificate();
    await temporary.close();
    expect((await revokeCertificate(world.officer1.actor, id, { reason: "cessationOfOperation" })).status).toBe("revoked");
    const crl = await getEnvironmentCrl(world.env.code, "issuing");
    const text = execFileSync("openssl", ["crl", "-inform", "DER", "-noout", "-text"], { input: Buffer.from(crl.der), encoding: "utf8" });
    const listed = [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1].replace(/^0+/, ""));
    expect(listed).toContain(serial.toUpperCase().replace(/^0+/, ""));
  });

  it("keeps trying to start while the environment or its CA does not exist, and logs once when it starts", async () => {
    const code = `R${uniq().toUpperCase().replace(/[^A-Z0-9]/g, "X")}`.slice(0, 8);
    const port = await freePort("::1");
    const lines: string[] = [];
    const log = { info: (s: string) => lines.push(`info ${s}`), error: (s: string) => lines.push(`error ${s}`) };
    const started = await startConfiguredListeners({ KEYPORT_CONNECTIVITY: `${code}:${port}`, KEYPORT_CONNECTIVITY_HOST: "::1" }, { retryEveryMs: 50, log });
    const until = async (f: () => boolean) => {
      for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(f()).toBe(true);
    };
    try {
      expect(started.listeners).toEqual([]);
      await new Promise((r) => setTimeout(r, 300)); // several retries, one message
      expect(lines).toEqual([`error [keyport] connectivity listener for ${code} not started: KEYPORT_CONNECTIVITY names ${code}: No environment with code "${code}". Retrying every 50 ms.`]);
      await createEnvironment(CLI_ACTOR, { code, name: `Retry ${code}`, approvalsRequired: 1, production: false });
      await until(() => lines.length === 2);
      expect(lines[1]).toMatch(new RegExp(`^error .*${code} not started: KEYPORT_CONNECTIVITY names ${code}: Environment ${code} has no CA yet`));
      await initCa(CLI_ACTOR, { envCode: code, keyType: "ecdsa-p256" });
      await until(() => started.listeners.length === 1);
      await new Promise((r) => setTimeout(r, 150));
      expect(lines.slice(2)).toEqual([`info [keyport] connectivity test for ${code}: https://[::1]:${port}/api/healthCheck`]);
      // It serves: without a client certificate the answer is the listener's own refusal.
      writeFileSync(join(dir, "retry-ca.pem"), started.listeners[0].caPem);
      const r = await curl(`https://[::1]:${port}/api/healthCheck`, { cacert: join(dir, "retry-ca.pem") });
      expect(r.status, r.error).toBe(401);
      expect(JSON.parse(r.body)).toMatchObject({ error: { code: "no_certificate" }, environment: code, sourceIp: "::1" });
    } finally {
      await started.close();
    }
  });

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
  let upstream: HttpServer | undefined;
  let port = 0;
  // Spaces and a double quote: every path in the generated configuration must be quoted.
  const out = () => join(dir, 'gw "a b"');
  const tls = () => join(dir, "gateway tls");
  const conf = () => join(dir, "nginx.conf");
  const nginxArgs = () => ["-p", join(dir, "nginx"), "-c", conf()];
  const url = (p = "/api/healthCheck") => `https://127.0.0.1:${port}${p}`;
  const cacert = () => join(tls(), "server.crt");

  afterAll(() => {
    nginx?.kill("SIGTERM");
    upstream?.close();
  });

  /** Reload nginx and wait until curl with `cert` gets a status other than `from`. */
  async function reloadUntilNot(from: number, cert: string) {
    execFileSync("nginx", [...nginxArgs(), "-s", "reload"], { stdio: "pipe" });
    let status = from;
    for (let i = 0; i < 50 && status === from; i++) {
      status = (await curl(url(), { cert, cacert: cacert() })).status;
      if (status === from) await new Promise((r) => setTimeout(r, 100));
    }
    return status;
  }

  it("accepts an issued certificate from the allowlisted IP and refuses every other case, and a certificate once revoked", async () => {
    port = await freePort();
    mkdirSync(tls());
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(tls(), "server.key"), "-out", cacert()], { stdio: "pipe" });
    // The upstream echoes the headers it receives.
    upstream = createHttpServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ headers: req.headers, raw: req.rawHeaders }));
    });
    await new Promise<void>((resolve) => upstream!.listen(0, "127.0.0.1", resolve));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
    const gen = await cli(["gateway", "nginx", "--env", world.env.code, "--out", out(), "--listen", `127.0.0.1:${port}`, "--server-name", "localhost", "--server-cert", cacert(), "--server-key", join(tls(), "server.key"), "--upstream", upstreamUrl]);
    expect(gen.code, gen.err).toBe(0);
    expect(readFileSync(join(out(), "allowlist.conf"), "utf8")).toMatch(/allow 127\.0\.0\.1\/32;.*\ndeny all;\n$/);
    expect(readFileSync(join(out(), "crl.pem"), "utf8").match(/BEGIN X509 CRL/g)).toHaveLength(2);
    const readme = readFileSync(join(out(), "README.md"), "utf8");
    // The cron line renews and reloads, with the odd directory quoted for the shell.
    expect(readme).toContain(`*/15 * * * * cd ${process.cwd()} && npm run --silent keyport -- gateway sync --env ${world.env.code} --out '${out()}' && nginx -s reload`);
    expect(readme).toMatch(/environment's\*\* allowlist/);
    execFileSync("mkdir", ["-p", join(dir, "nginx", "logs"), join(dir, "nginx", "tmp")]);
    const q = JSON.stringify; // the test's own paths hold no `"`, `\` or `$`
    writeFileSync(
      conf(),
      `pid ${q(join(dir, "nginx", "nginx.pid"))};
error_log ${q(join(dir, "nginx", "logs", "error.log"))} info;
worker_processes 1;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${q(join(dir, "nginx", "tmp"))};
  proxy_temp_path ${q(join(dir, "nginx", "tmp"))};
  fastcgi_temp_path ${q(join(dir, "nginx", "tmp"))};
  uwsgi_temp_path ${q(join(dir, "nginx", "tmp"))};
  scgi_temp_path ${q(join(dir, "nginx", "tmp"))};
  include ${q(join(out(), "server.conf"))};
}
`,
    );
    execFileSync("nginx", [...nginxArgs(), "-t"], { stdio: "pipe" });
    nginx = spawn("nginx", [...nginxArgs(), "-g", "daemon off;"], { stdio: "ignore" });
    let ok: CurlResult = { status: 0, body: "", error: "" };
    for (let i = 0; i < 50 && ok.status === 0; i++) {
      ok = await curl(url(), { cert: "good", cacert: cacert() });
      if (ok.status === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok.status, ok.error).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ status: "ok", environment: world.env.code });
    expect((await curl(url(), { cacert: cacert() })).status).toBe(400);
    expect((await curl(url(), { cert: "foreign", cacert: cacert() })).status).toBe(400);
    expect((await curl(url(), { cert: "revoked", cacert: cacert() })).status).toBe(400);
    expect((await curl(url(), { cert: "really-expired", cacert: cacert() })).status).toBe(400);
    expect((await curl(url(), { cert: "good", cacert: cacert(), from: "127.0.0.2" })).status).toBe(403);

    // The upstream gets the client certificate itself (Keyport's SHA-256 identity), its serial and subject,
    // the scheme, and never a copy the client forged (nor nginx's SHA-1 fingerprint).
    const forged = ["X-Client-Cert: forged", "X-Client-Serial: 01", "X-Client-Subject: CN=forged", "X-Client-Verify: SUCCESS-forged", "X-Forwarded-Proto: http", "X-Forwarded-For: 192.0.2.1", "X-Client-Fingerprint: forged", "X_Client_Cert: forged"];
    const echo = await curl(url("/echo"), { cert: "good", cacert: cacert(), headers: forged });
    expect(echo.status, echo.error).toBe(200);
    const seen = JSON.parse(echo.body) as { headers: Record<string, string>; raw: string[] };
    const good = await getCertificate(world.officer1.actor, goodId);
    const leafPem = pemBlocks(decodeURIComponent(seen.headers["x-client-cert"]))[0];
    expect(leafPem).toBe(pemBlocks(readFileSync(join(dir, "good.pem"), "utf8"))[0]);
    expect(sha256Colons(new Uint8Array(Buffer.from(leafPem.replace(/-----[^-]+-----|\s/g, ""), "base64")))).toBe(good.fingerprint);
    expect(seen.headers["x-client-serial"].replace(/^0+/, "").toLowerCase()).toBe(good.serial.replace(/^0+/, "").toLowerCase());
    expect(seen.headers["x-client-subject"]).toContain(`CN=${world.orgA.code}-good`);
    expect(seen.headers).toMatchObject({ "x-client-verify": "SUCCESS", "x-forwarded-proto": "https", "x-forwarded-for": "127.0.0.1" });
    expect(seen.headers["x-client-fingerprint"]).toBeUndefined();
    const names = seen.raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    for (const h of ["x-client-cert", "x-client-serial", "x-client-subject", "x-client-verify", "x-forwarded-proto", "x-forwarded-for"]) expect(names.filter((n) => n === h), h).toHaveLength(1);
    expect(names).not.toContain("x_client_cert");

    // Revoke the good certificate, sync the gateway files, reload: nginx now refuses it.
    await revokeCertificate(world.officer1.actor, goodId, { reason: "superseded" });
    const sync = await cli(["gateway", "sync", "--env", world.env.code, "--out", out()]);
    expect(sync.code, sync.err).toBe(0);
    expect(sync.out).toMatch(/Updated crl\.pem/);
    expect(await reloadUntilNot(200, "good")).toBe(400);
    // The built-in listener refuses it at once (it reads revocations live).
    const listenerAnswer = await curl(`https://127.0.0.1:${listener.port}/api/healthCheck`, { cert: "good", cacert: join(dir, "listener-ca.pem") });
    expect(JSON.parse(listenerAnswer.body).error.code).toBe("revoked");
    expect((await cli(["gateway", "sync", "--env", world.env.code, "--out", out()])).out).toMatch(/No change/);
  });

  it("gateway sync renews CRLs that are due or expired before writing them, and fails (writing nothing) when it cannot", async () => {
    const chain = await getEnvironmentCaChain(world.env.code);
    const crlFile = join(out(), "crl.pem");
    const ageCrls = (issuingDays: number, rootDays: number) =>
      getDb().$transaction(async (tx) => {
        await regenerateCrl(tx, CLI_ACTOR, chain.issuing.id, new Date(Date.now() - issuingDays * DAY));
        await regenerateCrl(tx, CLI_ACTOR, chain.root.id, new Date(Date.now() - rootDays * DAY));
      });
    const verifyFresh = (crls: string) =>
      spawnSync("openssl", ["verify", "-crl_check_all", "-CAfile", join(out(), "ca-chain.pem"), "-CRLfile", crls, join(dir, "fresh.pem")], { encoding: "utf8" });
    const withMasterKey = async <T>(hex: string, f: () => Promise<T>) => {
      const saved = process.env.KEYPORT_MASTER_KEY;
      process.env.KEYPORT_MASTER_KEY = hex;
      try {
        return await f();
      } finally {
        process.env.KEYPORT_MASTER_KEY = saved;
      }
    };

    // The newest CRLs are past their nextUpdate (issuing CRLs live 7 days, root CRLs 30).
    await ageCrls(8, 31);
    const stale = [await latestCrl(getDb(), chain.issuing.id), await latestCrl(getDb(), chain.root.id)].map((c) => pemEncode("X509 CRL", new Uint8Array(c!.der))).join("");
    writeFileSync(join(dir, "stale-crl.pem"), stale);
    // What sync used to write: openssl and nginx refuse every client with it.
    const before = verifyFresh(join(dir, "stale-crl.pem"));
    expect(before.status).not.toBe(0);
    expect(before.stdout + before.stderr).toMatch(/CRL has expired/);
    writeFileSync(crlFile, stale);
    expect(await reloadUntilNot(200, "fresh")).toBe(400);
    expect(readFileSync(join(dir, "nginx", "logs", "error.log"), "utf8")).toMatch(/CRL has expired/);

    // Renewal impossible (a master key that does not open the CA keys): exit 1, a clear message, nothing written.
    const written = readFileSync(crlFile, "utf8");
    const failed = await withMasterKey(randomBytes(32).toString("hex"), () => cli(["gateway", "sync", "--env", world.env.code, "--out", out()]));
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/CRL for \w+ \(#\d+\) expired at .*nginx would refuse every client.*nothing was written\. Renewing it failed: /);
    expect(readFileSync(crlFile, "utf8")).toBe(written);

    // With the key: sync renews both and writes CRLs whose nextUpdate is ahead; openssl and nginx accept them.
    const synced = await cli(["gateway", "sync", "--env", world.env.code, "--out", out()]);
    expect(synced.code, synced.err).toBe(0);
    expect(synced.err).toMatch(/Renewed the issuing CA's CRL/);
    expect(synced.err).toMatch(/Renewed the root CA's CRL/);
    expect(synced.out).toMatch(/Updated crl\.pem/);
    for (const block of pemBlocks(readFileSync(crlFile, "utf8"))) {
      const next = execFileSync("openssl", ["crl", "-noout", "-nextupdate"], { input: block, encoding: "utf8" }).replace(/^nextUpdate=/, "").trim();
      expect(new Date(next).getTime()).toBeGreaterThan(Date.now() + 3 * DAY);
    }
    const after = verifyFresh(crlFile);
    expect(after.stdout + after.stderr).toMatch(/: OK/);
    expect(await reloadUntilNot(400, "fresh")).toBe(200);

    // Due (less than half the lifetime left) but not expired, and renewal fails (here: the database refuses
    // this environment's new CRLs): the current CRLs are written, with a warning.
    await ageCrls(4, 1);
    const db = getDb();
    const blockTrigger = `block_crls_${world.env.code.toLowerCase()}`;
    await db.$executeRawUnsafe(`CREATE FUNCTION ${blockTrigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'CRL publication is blocked for this test'; END; $$`);
    await db.$executeRawUnsafe(
      `CREATE TRIGGER ${blockTrigger} BEFORE INSERT ON crls FOR EACH ROW WHEN (NEW.ca_id IN ('${chain.issuing.id}'::uuid, '${chain.root.id}'::uuid)) EXECUTE FUNCTION ${blockTrigger}()`,
    );
    let warned: Awaited<ReturnType<typeof cli>>;
    try {
      warned = await cli(["gateway", "sync", "--env", world.env.code, "--out", out()]);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER ${blockTrigger} ON crls`);
      await db.$executeRawUnsafe(`DROP FUNCTION ${blockTrigger}()`);
    }
    expect(warned.code, warned.err).toBe(0);
    expect(warned.err).toMatch(/^Warning: Could not renew the \w+ CRLs \(.*CRL publication is blocked for this test.*\); wrote the current ones, valid until \S+\.$/);

    // Under another master key than the audit trail's, the sync cannot be recorded: it writes nothing.
    const beforeOtherKey = readFileSync(crlFile, "utf8");
    await ageCrls(4, 1);
    const otherKey = await withMasterKey(randomBytes(32).toString("hex"), () => cli(["gateway", "sync", "--env", world.env.code, "--out", out()]));
    expect(otherKey.code).toBe(1);
    expect(otherKey.err).toMatch(/^keyport gateway sync: The configured master key \(id [0-9a-f]{16}\) is not the one the audit trail is sealed under/);
    expect(readFileSync(crlFile, "utf8")).toBe(beforeOtherKey);
  });
});
