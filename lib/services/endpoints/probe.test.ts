// The readiness probe against real peers on loopback (issue 18, item 6): Node https servers with
// requestCert, each set up to fail one way, and the probe's classification of each. The probe
// presents the environment's probe certificate (issued under the provider client CA, key sealed
// in lib/ca) and trusts only the partner's endorsed chain.
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { disconnectDb, getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { findProviderClientCa } from "@/lib/ca/provider-client-ca";
import { PROBE_CLIENT_PROFILE } from "@/lib/ca/probe-credential";
import { issueLeafCertificate } from "@/lib/pki/cert/leaf-certificate";
import { buildName } from "@/lib/pki/cert/name";
import { randomSerial } from "@/lib/pki/cert/serial";
import { makeTestChain, testKey, type TestChain } from "@/lib/pki/chain/fixtures.test-helper";
import { pemEncode } from "@/lib/pki/pem";
import { makeWorld } from "@/lib/testing/world";
import { createProviderClientCa } from "@/lib/services/provider/init-provider-client-ca";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { endorseServerChain } from "@/lib/services/server-chains/decide-server-chain";
import { confirmEndpoint } from "./decide-endpoint";
import { registerEndpoint } from "./register-endpoint";
import { listProbes, probeEndpoint } from "./run-probe";
import { runCli } from "@/lib/cli/run-cli";

const DAY = 86_400_000;
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await disconnectDb();
});

/** A leaf from the partner's issuing CA: for other names or other dates. */
async function leaf(c: TestChain, opts: { host: string; notBefore?: Date; notAfter?: Date }) {
  const key = testKey();
  const cert = await issueLeafCertificate({
    subjectDer: buildName({ CN: opts.host, O: "Partner" }),
    spkiDer: key.spkiDer,
    issuerCertDer: c.issuing,
    signer: c.issuingKey.signer,
    serial: randomSerial(),
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 30 * DAY),
    keyType: "ec",
    extendedKeyUsage: ["serverAuth"],
    sans: /^[\d.]+$/.test(opts.host) ? { dns: [], ip: [opts.host] } : { dns: [opts.host], ip: [] },
  });
  return { key: key.pem, cert: pemEncode("CERTIFICATE", cert.der) };
}

async function serve(opts: { key: string; cert: string; ca: string }): Promise<number> {
  const server = createServer({ ...opts, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ready");
  });
  servers.push(server);

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

let w: Awaited<ReturnType<typeof makeWorld>>;
let chain: TestChain;
let providerCaPem: string;

beforeAll(async () => {
  w = await makeWorld();
  await createProviderClientCa(CLI_ACTOR, { envCode: w.env.code });
  providerCaPem = pemEncode("CERTIFICATE", new Uint8Array((await findProviderClientCa(getDb(), w.env.id))!.certDer));
  chain = await makeTestChain({ name: "Probe Partner", hosts: ["127.0.0.1"] });
  const up = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: chain.chainPem });
  await endorseServerChain(w.officer1.actor, up.id);
}, 60_000);

async function confirmedCallback(url: string) {
  const ep = await registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "callback_url", value: url });
  await confirmEndpoint(w.officer1.actor, ep.id);
  return ep.id;
}

describe("readiness probe against real peers on loopback", () => {
  it("classifies each peer: ok, client certificate refused, name mismatch, expired, refused, DNS", async () => {
    const other = await makeTestChain({ name: "Other" });
    const good = await leaf(chain, { host: "127.0.0.1" });
    const ports = {
      ok: await serve({ ...good, ca: providerCaPem }),
      otherCa: await serve({ ...good, ca: other.chainPem }),
      mismatch: await serve({ ...(await leaf(chain, { host: "other.test" })), ca: providerCaPem }),
      expired: await serve({ ...(await leaf(chain, { host: "127.0.0.1", notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) })), ca: providerCaPem }),
      unknownCa: await serve({ key: other.serverKey.pem, cert: other.serverPem, ca: providerCaPem }),
      closed: await closedPort(),
    };
    const cases: [string, string, number | null][] = [
      [`https://127.0.0.1:${ports.ok}/ready`, "ok", 200],
      [`https://127.0.0.1:${ports.otherCa}`, "tls_client_cert_refused", null],
      [`https://127.0.0.1:${ports.mismatch}`, "tls_name_mismatch", null],
      [`https://127.0.0.1:${ports.expired}`, "tls_expired", null],
      [`https://127.0.0.1:${ports.unknownCa}`, "tls_unknown_ca", null],
      [`https://127.0.0.1:${ports.closed}`, "tcp_refused", null],
      ["https://nothing-here.invalid", "dns_failure", null],
    ];
    for (const [url, outcome, status] of cases) {
      const id = await confirmedCallback(url);
      const r = await probeEndpoint(w.partnerA.actor, id, { timeouts: { dnsMs: 3000, connectMs: 3000, tlsMs: 3000, httpMs: 3000 } });
      expect({ url, outcome: r.outcome, message: r.message, error: r.error }).toEqual({ url, outcome, message: expect.any(String), error: r.error });
      expect(r.httpStatus).toBe(status);
      if (process.env.SHOW_PROBES) console.log(outcome, r.error, r.message);
      expect(r.message.length).toBeGreaterThan(20);
      expect(r.timings.totalMs).toBeGreaterThanOrEqual(0);
      if (["ok", "tls_name_mismatch", "tls_expired", "tls_unknown_ca", "tls_client_cert_refused"].includes(outcome)) {
        expect(r.peer?.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        expect(r.timings.tlsMs).not.toBeNull();
        expect(r.remoteAddress).toBe("127.0.0.1");
      }
      if (outcome === "ok") expect(r.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
    }
    // Evidence stored, and audited; the probe's certificate is a provider client certificate, not a partner's.
    const probes = await listProbes(w.partnerA.actor, w.env.code);
    expect(probes.map((p) => p.outcome).sort()).toEqual(cases.map((c) => c[1]).sort());
    expect(await getDb().auditEvent.count({ where: { action: "endpoint.probe", orgId: w.orgA.id } })).toBe(cases.length);
    const cert = await getDb().certificate.findFirstOrThrow({ where: { envId: w.env.id, profileCode: PROBE_CLIENT_PROFILE }, include: { ca: true } });
    expect(cert.ca.kind).toBe("provider_client");
    expect(cert.orgId).toBeNull();
    // Partner B sees none of it, and cannot probe A's endpoints.
    expect(await listProbes(w.partnerB.actor, w.env.code)).toEqual([]);
    const e = await probeEndpoint(w.partnerB.actor, probes[0].endpointId).catch((x: unknown) => x);
    expect((e as AppError).code).toBe("not_found");
  }, 120_000);

  it("refuses to probe what is not confirmed, and too often", async () => {
    const ep = await registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "callback_url", value: "https://127.0.0.1:9/new" });
    const e = await probeEndpoint(w.partnerA.actor, ep.id).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).message).toMatch(/officers confirm/);
    const id = await confirmedCallback(`https://127.0.0.1:${await closedPort()}/again`);
    await probeEndpoint(w.partnerA.actor, id);
    expect(((await probeEndpoint(w.partnerA.actor, id).catch((x: unknown) => x)) as AppError).code).toBe("rate_limited");
  }, 60_000);

  it("keyport probe --env --org probes each confirmed callback of the partner and prints one classified line each", async () => {
    const b = await makeTestChain({ name: "Probe Partner B", hosts: ["127.0.0.1"] });
    const up = await uploadServerChain(w.partnerB.actor, { environment: w.env.code, chain: b.chainPem });
    await endorseServerChain(w.officer1.actor, up.id);
    const port = await serve({ ...(await leaf(b, { host: "127.0.0.1" })), ca: providerCaPem });
    for (const value of [`https://127.0.0.1:${port}/b`, `https://127.0.0.1:${await closedPort()}/b`]) {
      const ep = await registerEndpoint(w.partnerB.actor, { environment: w.env.code, kind: "callback_url", value });
      await confirmEndpoint(w.officer1.actor, ep.id);
    }
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(["probe", "--env", w.env.code, "--org", w.orgB.code], { out: (l) => out.push(l), err: (l) => err.push(l) }, { migrate: async () => [] });
    expect(err).toEqual([]);
    expect(code).toBe(1);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(new RegExp(`^ok 200 .* https://127\\.0\\.0\\.1:${port}/b `));
    expect(out[1]).toMatch(/^tcp_refused .* refused the TCP connection/);
    expect(await runCli(["probe", "--env", w.env.code], { out: () => {}, err: () => {} }, { migrate: async () => [] })).toBe(2);
  }, 60_000);
});
