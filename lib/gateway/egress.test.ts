// The two-way handshake, for real: a partner server (Node https) that trusts only the provider
// client CA, behind a chain the partner uploaded and an officer endorsed; nginx, configured by
// `keyport gateway egress`, proxies a request to it with the provider's client certificate → 200.
// The same proxy refuses a partner server whose certificate is not from the endorsed chain, and the
// partner server refuses a partner's client certificate issued by Keyport's partner CA. A partner
// whose server trusts only its own CA signs a provider CSR; `gateway sync --egress` then presents
// that certificate on its upstream → 200.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { runCli } from "@/lib/cli/run-cli";
import { egressConf } from "@/lib/gateway/egress";
import { makeTestChain, opensslSignCsr } from "@/lib/pki/chain/fixtures.test-helper";
import { pemEncode } from "@/lib/pki/pem";
import { makeOrganisation, makeUser, makeWorld, opensslCsr } from "@/lib/testing/world";
import { providerCsrFile } from "@/lib/services/provider-csrs/read-provider-csrs";
import { uploadSignedCertificate } from "@/lib/services/provider-csrs/upload-signed-certificate";
import { providerClientCaFile } from "@/lib/services/provider/provider-client-ca-file";
import { endorseServerChain } from "@/lib/services/server-chains/decide-server-chain";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";

const dir = mkdtempSync(join(tmpdir(), "keyport-egress-"));
const servers: https.Server[] = [];
let nginx: ChildProcess | undefined;
afterAll(async () => {
  nginx?.kill("SIGTERM");
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
  await disconnectDb();
});

const cli = (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, { migrate: async () => [] }).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
};

/** A partner's server: answers 200 only to a client certificate its trusted CA (the provider client CA) verifies. */
async function partnerServer(o: { key: string; certChain: string; trust: string }): Promise<number> {
  const server = https.createServer({ key: o.key, cert: o.certChain, ca: o.trust, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const s = req.socket as TLSSocket;
    if (!s.authorized) {
      res.writeHead(401).end(`refused: ${String(s.authorizationError)}`);
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end(`hello ${s.getPeerCertificate().subject.CN} at ${req.url}`);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

async function get(url: string, tls: { cert?: string; key?: string; ca?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith("https") ? https.get : http.get)(url, { ...tls, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
  });
}

describe("egress gateway: the provider's side of mutual TLS", () => {
  it("writes nginx directives for each partner (pure)", () => {
    const conf = egressConf({ envCode: "PPR", listen: "127.0.0.1:8443", generatedAt: "now", partners: [{ organisation: "acme", host: "api.acme.test", port: 8443, path: "/iso", trustFile: "/etc/k/acme.pem", certFile: "/etc/k/c.crt", keyFile: "/etc/k/c.key" }] });
    for (const d of ['proxy_ssl_certificate "/etc/k/c.crt";', 'proxy_ssl_certificate_key "/etc/k/c.key";', 'proxy_ssl_trusted_certificate "/etc/k/acme.pem";', "proxy_ssl_verify on;", "proxy_ssl_name api.acme.test;", "proxy_ssl_server_name on;", "server api.acme.test:8443;", "proxy_pass https://keyport_egress_acme/iso/;"]) {
      expect(conf).toContain(d);
    }
    expect(() => egressConf({ envCode: "PPR", listen: "8443", generatedAt: "now", partners: [{ organisation: "acme", host: "x;y", port: 1, path: "/", trustFile: "/a", certFile: "/b", keyFile: "/c" }] })).toThrow(/not a DNS name/);
  });

  it("handshakes both ways through nginx configured by `keyport gateway egress`; refuses an unendorsed server and a partner-CA client certificate", async () => {
    execFileSync("nginx", ["-v"], { stdio: "pipe" });
    const w = await makeWorld();
    expect((await cli(["ca", "init-provider-client", "--env", w.env.code])).code).toBe(0);
    const providerCa = (await providerClientCaFile(w.env.code, "pem")).body as string;

    // Partner A: its server, behind the chain it uploads; an officer endorses it.
    const a = await makeTestChain({ name: "Acme", hosts: ["localhost"] });
    const portA = await partnerServer({ key: a.serverKey.pem, certChain: a.serverPem + pemEncode("CERTIFICATE", a.issuing), trust: providerCa });
    const upA = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: a.chainPem, server: a.serverPem, endpoint: `https://localhost:${portA}/api` });
    await endorseServerChain(w.officer1.actor, upA.id);

    // Partner B endorsed a chain, but the server at its endpoint presents a certificate from another CA.
    const b = await makeTestChain({ name: "Bank", hosts: ["localhost"] });
    const impostor = await makeTestChain({ name: "Impostor", hosts: ["localhost"] });
    const portB = await partnerServer({ key: impostor.serverKey.pem, certChain: impostor.serverPem + pemEncode("CERTIFICATE", impostor.issuing), trust: providerCa });
    const upB = await uploadServerChain(w.partnerB.actor, { environment: w.env.code, chain: b.chainPem, endpoint: `https://localhost:${portB}` });
    await endorseServerChain(w.officer1.actor, upB.id);

    // Partner C (Mojaloop-style): its server trusts only its OWN CA for the provider's calls, so it
    // signs a provider CSR made on the gateway; until then the Keyport-issued certificate is refused.
    const orgC = await makeOrganisation();
    const partnerC = await makeUser("partner", orgC.code);
    const cc = await makeTestChain({ name: "Cobalt", hosts: ["localhost"] });
    const portC = await partnerServer({ key: cc.serverKey.pem, certChain: cc.serverPem + pemEncode("CERTIFICATE", cc.issuing), trust: cc.chainPem });
    const upC = await uploadServerChain(partnerC.actor, { environment: w.env.code, chain: cc.chainPem, server: cc.serverPem, endpoint: `https://localhost:${portC}` });
    await endorseServerChain(w.officer1.actor, upC.id);

    // The provider's gateway makes its key and CSR; Keyport issues the client certificate.
    const out = join(dir, "egress");
    mkdirSync(out, { recursive: true });
    const gw = opensslCsr("/CN=provider-egress/O=Provider");
    writeFileSync(join(out, "provider-client.key"), gw.key, { mode: 0o600 });
    writeFileSync(join(dir, "gw.csr"), gw.csr);
    const issued = await cli(["provider", "certificate", "issue", "--env", w.env.code, "--csr", join(dir, "gw.csr")]);
    expect(issued.code, issued.err).toBe(0);
    expect(issued.out).toContain("BEGIN CERTIFICATE");

    const listenPort = 20000 + Math.floor(Math.random() * 20000);
    const gen = await cli(["gateway", "egress", "--env", w.env.code, "--out", out, "--listen", `127.0.0.1:${listenPort}`]);
    expect(gen.code, gen.err).toBe(0);
    const conf = readFileSync(join(out, "egress.conf"), "utf8");
    expect(conf).toContain(`location /${w.orgA.code}/`);
    expect(readFileSync(join(out, "partners", `${w.orgA.code}-trust.pem`), "utf8")).toBe(a.chainPem);
    // Run again: nothing changes.
    expect((await cli(["gateway", "egress", "--env", w.env.code, "--out", out, "--listen", `127.0.0.1:${listenPort}`])).out).toMatch(/^No change/);

    mkdirSync(join(dir, "nginx", "logs"), { recursive: true });
    mkdirSync(join(dir, "nginx", "tmp"), { recursive: true });
    const q = JSON.stringify;
    const confFile = join(dir, "nginx", "nginx.conf");
    writeFileSync(
      confFile,
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
  include ${q(join(out, "egress.conf"))};
}
`,
    );
    const args = ["-p", join(dir, "nginx"), "-c", confFile];
    execFileSync("nginx", [...args, "-t"], { stdio: "pipe" });
    nginx = spawn("nginx", [...args, "-g", "daemon off;"], { stdio: "ignore" });
    let ok = { status: 0, body: "" };
    for (let i = 0; i < 50 && ok.status === 0; i++) {
      ok = await get(`http://127.0.0.1:${listenPort}/${w.orgA.code}/payments`).catch(() => ({ status: 0, body: "" }));
      if (ok.status === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok.status, ok.body).toBe(200);
    expect(ok.body).toBe("hello provider-egress at /api/payments");

    // The impostor's certificate does not chain to B's endorsed chain: nginx refuses the upstream (502).
    expect((await get(`http://127.0.0.1:${listenPort}/${w.orgB.code}/`)).status).toBe(502);
    expect(readFileSync(join(dir, "nginx", "logs", "error.log"), "utf8")).toMatch(/upstream SSL certificate verify error/);

    // Partner C refuses the Keyport-issued certificate (its server trusts only its own CA)…
    const beforeC = await get(`http://127.0.0.1:${listenPort}/${orgC.code}/`);
    expect(beforeC.status, beforeC.body).toBe(401);
    // …so an admin creates a provider CSR on the gateway's key (CLI), partner C signs it with its CA
    // (openssl x509 -req) and uploads it; `gateway sync --egress` writes it for C's upstream only.
    const gwC = opensslCsr("/O=Provider/CN=provider-egress-c");
    writeFileSync(join(dir, "gw-c.csr"), gwC.csr);
    const created = await cli(["provider", "csr", "create", "--env", w.env.code, "--org", orgC.code, "--csr", join(dir, "gw-c.csr")]);
    expect(created.code, created.err).toBe(0);
    const csrId = created.out.trim();
    const csrPem = (await providerCsrFile(partnerC.actor, csrId)).body;
    await uploadSignedCertificate(partnerC.actor, csrId, { certificate: opensslSignCsr(csrPem, { certDer: cc.issuing, key: cc.issuingKey }) });
    writeFileSync(join(out, "partners", `${orgC.code}-client.key`), gwC.key, { mode: 0o600 });
    const synced = await cli(["gateway", "sync", "--env", w.env.code, "--egress", out]);
    expect(synced.code, synced.err).toBe(0);
    expect(synced.out).toContain(`partners/${orgC.code}-client.crt`);
    expect(readFileSync(join(out, "egress.conf"), "utf8")).toContain(`proxy_ssl_certificate ${JSON.stringify(join(out, "partners", `${orgC.code}-client.crt`))};`);
    expect((await cli(["gateway", "sync", "--env", w.env.code, "--egress", out])).out).toMatch(/^No change/);
    nginx.kill("SIGHUP");
    let okC = { status: 0, body: "" };
    for (let i = 0; i < 50 && okC.status !== 200; i++) {
      okC = await get(`http://127.0.0.1:${listenPort}/${orgC.code}/pay`).catch(() => ({ status: 0, body: "" }));
      if (okC.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(okC.status, okC.body).toBe(200);
    expect(okC.body).toBe("hello provider-egress-c at /pay");
    // Partner A still gets the Keyport-issued certificate.
    expect((await get(`http://127.0.0.1:${listenPort}/${w.orgA.code}/x`)).body).toBe("hello provider-egress at /api/x");

    // A partner's own client certificate (Keyport's partner CA) is refused by partner A's server.
    const partnerCsr = opensslCsr(`/CN=${w.orgB.code}-client`);
    const req = await submitCertificateRequest(w.partnerB.actor, { environment: w.env.code, csr: partnerCsr.csr });
    const cert = await approveCertificateRequest(w.officer1.actor, req.id);
    const der = (await getDb().certificate.findUniqueOrThrow({ where: { id: cert.certificateId! } })).der;
    const refused = await get(`https://localhost:${portA}/`, { cert: pemEncode("CERTIFICATE", new Uint8Array(der)), key: partnerCsr.key, ca: a.chainPem });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatch(/refused: UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to get local issuer/i);

    // A key Keyport generates: downloaded once through the CLI, then refused.
    const generated = await cli(["provider", "certificate", "generate", "--env", w.env.code, "--cn", "provider-spare"]);
    expect(generated.code, generated.err).toBe(0);
    process.env.KEYPORT_PKCS12_PASSWORD = "changeit-123";
    try {
      expect((await cli(["provider", "key", "download", "--id", generated.out.trim(), "--out", join(dir, "spare.p12")])).code).toBe(0);
      expect(execFileSync("openssl", ["pkcs12", "-in", join(dir, "spare.p12"), "-passin", "pass:changeit-123", "-nodes"]).toString()).toContain("PRIVATE KEY");
      const again = await cli(["provider", "key", "download", "--id", generated.out.trim(), "--out", join(dir, "spare-2.p12")]);
      expect(again.code).not.toBe(0);
      expect(again.err).toMatch(/cannot be downloaded again/);
    } finally {
      delete process.env.KEYPORT_PKCS12_PASSWORD;
    }
  });
});
