// JWS keys through the services, the API and the JWKS routes on real PostgreSQL: every refusal
// stores nothing; officers endorse by the environment's number; rotation overlaps until a retire
// date; TLS CSRs refuse JWS keys; provider keys are generated sealed or uploaded; signatures made
// with openssl verify through the API, and JWKS answers poll with ETag / 304.
import { execFileSync } from "node:child_process";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { exportJWK, generateKeyPair, importJWK, flattenedVerify } from "jose";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeWorld, opensslCsr } from "@/lib/testing/world";
import { type OpensslKey, opensslFspiopRequest, opensslKey } from "@/lib/pki/jws/jws-test-helper";
import { signWithProviderJwsKey } from "@/lib/ca/provider-jws-key";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { makeTestChain } from "@/lib/pki/chain/fixtures.test-helper";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { uploadJwsKey } from "./upload-jws-key";
import { endorseJwsKey, rejectJwsKey } from "./decide-jws-key";
import { retireJwsKey } from "./retire-jws-key";
import { getJwsKey, listJwsKeys } from "./read-jws-keys";
import { verifyJwsSignature } from "./verify-jws";
import { createProviderJwsKey } from "@/lib/services/provider-jws-keys/create-provider-jws-key";
import { downloadProviderJwsKey, listProviderJwsKeys } from "@/lib/services/provider-jws-keys/read-provider-jws-keys";
import { retireProviderJwsKey } from "@/lib/services/provider-jws-keys/retire-provider-jws-key";
import { getOrgExchange } from "@/lib/services/exchange/get-exchange";
import { GET as envJwksRoute } from "@/app/.well-known/jwks/[env]/route";
import { GET as fileJwksRoute } from "@/app/.well-known/jwks/[env]/[file]/route";
import { POST as verifyRoute } from "@/app/api/v1/jws/verify/route";
import { POST as uploadRoute } from "@/app/api/v1/jws-keys/route";
import { refused } from "@/lib/testing/refused";

afterAll(disconnectDb);

const counts = async () => {
  const db = getDb();
  return { keys: await db.partnerJwsKey.count(), provider: await db.providerJwsKey.count(), audit: await db.auditEvent.count(), approvals: await db.approval.count() };
};
const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });
const bearer = (token: string, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${token}`, ...extra } });

// Fresh keys per test: a key is registered once in all of Keyport.
let rsa: OpensslKey;
let ec: OpensslKey;
beforeEach(() => {
  rsa = opensslKey("rsa2048");
  ec = opensslKey("p256");
});
const publicOf = (privatePem: string) => execFileSync("openssl", ["pkey", "-pubout"], { input: privatePem }).toString();

describe("partner JWS keys", () => {
  it("refuses private keys, RSA-1024, P-384, P-521, a TLS key, a forbidden alg and a second pending key — storing and logging nothing", async () => {
    const w = await makeWorld();
    const tls = opensslCsr(`/CN=${w.orgA.code}-tls`);
    await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: tls.csr });
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    await getDb().environment.update({ where: { id: w.env.id }, data: { jwsAlgorithms: ["RS256", "ES256"] } });
    const before = await counts();
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ["private JWK", { key: JSON.stringify(privateJwk) }, "validation_failed", /private key.*nothing was stored/],
      ["private PEM", { key: rsa.privatePem }, "validation_failed", /private key/],
      ["RSA-1024", { key: opensslKey("rsa1024").publicPem }, "validation_failed", /1024 bits/],
      ["P-384", { key: opensslKey("p384").publicPem }, "validation_failed", /P-384/],
      ["P-521", { key: opensslKey("p521").publicPem }, "validation_failed", /P-521/],
      ["TLS key", { key: publicOf(tls.key) }, "validation_failed", /already used for TLS.*nothing was stored/],
      ["alg the environment forbids", { key: rsa.publicPem, alg: "PS256" }, "validation_failed", /PS256 is not allowed in this environment/],
      ["alg the key forbids", { key: ec.publicPem, alg: "RS256" }, "validation_failed", /not allowed for a P-256 key/],
    ];
    for (const [what, input, code, message] of cases) {
      const e = await refused(uploadJwsKey(w.partnerA.actor, { environment: w.env.code, ...input }), code);
      expect({ what, ok: message.test(e.message) }).toEqual({ what, ok: true });
      expect(e.message).not.toContain(privateJwk.d!);
      expect(e.message).not.toContain("MII");
    }
    await refused(uploadJwsKey(w.officer1.actor, { environment: w.env.code, key: rsa.publicPem }), "forbidden");
    expect(await counts()).toEqual(before);
    const rows = await getDb().auditEvent.findMany({ where: { details: { string_contains: privateJwk.d! } } });
    expect(rows).toHaveLength(0);
    // One pending key at a time.
    await uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: ec.publicPem });
    await refused(uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: opensslKey("p256").publicPem }), "conflict");
    // The same key by another organisation is refused, without naming organisation A.
    const other = await refused(uploadJwsKey(w.partnerB.actor, { environment: w.env.code, key: ec.certPem }), "conflict");
    expect(other.message).not.toContain(w.orgA.code);
  });

  it("refuses the key of a server certificate a partner uploaded with its chain", async () => {
    const w = await makeWorld();
    const c = await makeTestChain({ hosts: ["jws-reuse.test"] });
    await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: c.chainPem, server: c.serverPem });
    const e = await refused(uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: c.serverPem }), "validation_failed");
    expect(e.message).toMatch(/already used for TLS \(server certificate /);
  });

  it("a TLS CSR whose key is a JWS key is refused by the named check key.jws", async () => {
    const w = await makeWorld();
    const tls = opensslCsr(`/CN=${w.orgA.code}-jws-reuse`);
    await uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: publicOf(tls.key) });
    const e = await refused(submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: tls.csr }), "validation_failed");
    const check = (e.extra?.checks as { code: string; result: string; message: string }[]).find((c) => c.code === "key.jws");
    expect(check?.result).toBe("fail");
    expect(check?.message).toMatch(/JWS key .* Use a different key pair for TLS/);
  });

  it("officers endorse by the environment's number; rotation overlaps until the retire date; the verify tool says why", async () => {
    const w = await makeWorld({ approvalsRequired: 2 });
    const first = await uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: rsa.certPem });
    expect(first).toMatchObject({ status: "pending", alg: "RS256", key: "RSA 2048" });
    await refused(endorseJwsKey(w.partnerA.actor, first.id), "forbidden");
    await endorseJwsKey(w.officer1.actor, first.id, { comment: "looks right" });
    await refused(endorseJwsKey(w.officer1.actor, first.id), "conflict");
    expect((await getJwsKey(w.partnerA.actor, first.id)).status).toBe("pending");
    const done = await endorseJwsKey(w.officer2.actor, first.id);
    expect(done).toMatchObject({ status: "endorsed", state: "active" });
    expect(done.approvals).toEqual([expect.objectContaining({ officer: expect.any(String) }), expect.objectContaining({ officer: expect.any(String) })]);
    expect((await getJwsKey(w.partnerA.actor, first.id)).approvals[0]).not.toHaveProperty("comment");
    const events = await getDb().notificationEvent.findMany({ where: { subjectType: "jws_key", subjectId: first.id }, orderBy: { createdAt: "asc" }, select: { type: true } });
    expect(events.map((e) => e.type)).toEqual(["jws_key.submitted", "jws_key.approval_recorded", "jws_key.endorsed"]);

    const req = opensslFspiopRequest(rsa, { alg: "RS256" });
    const ok = await verifyJwsSignature(w.partnerA.actor, { environment: w.env.code, ...req });
    expect(ok).toMatchObject({ verified: true, organisation: w.orgA.code, kid: first.kid });
    // Officers name the partner; partner B cannot check against A's keys.
    expect((await verifyJwsSignature(w.officer1.actor, { environment: w.env.code, organisation: w.orgA.code, ...req })).verified).toBe(true);
    expect((await verifyJwsSignature(w.partnerB.actor, { environment: w.env.code, ...req })).reason).toBe("no_keys");
    await refused(verifyJwsSignature(w.partnerB.actor, { environment: w.env.code, organisation: w.orgA.code, ...req }), "not_found");

    // A rejected upload keeps the endorsed key.
    const bad = await uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: opensslKey("p256").publicPem });
    await refused(rejectJwsKey(w.officer1.actor, bad.id, {}), "validation_failed");
    expect(await rejectJwsKey(w.officer1.actor, bad.id, { reason: "wrong key" })).toMatchObject({ status: "rejected", rejectionReason: "wrong key" });

    // Rotation: the new key is endorsed while the old one stays active; both verify.
    const second = await uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: ec.publicPem });
    await endorseJwsKey(w.officer1.actor, second.id);
    await endorseJwsKey(w.officer2.actor, second.id);
    const ecReq = opensslFspiopRequest(ec, { alg: "ES256" });
    expect((await verifyJwsSignature(w.partnerA.actor, { environment: w.env.code, ...ecReq })).verified).toBe(true);
    expect((await verifyJwsSignature(w.partnerA.actor, { environment: w.env.code, ...req })).verified).toBe(true);
    const jwks = async () => JSON.parse(await (await envJwksRoute(new Request(`http://k/.well-known/jwks/${w.env.code}.json`, bearer(w.gateway.token)), ctx({ env: `${w.env.code}.json` }))).text());
    expect((await jwks()).keys.map((k: { kid: string }) => k.kid).sort()).toEqual([first.kid, second.kid].sort());

    // A retire date in the future keeps both; the partner can move it to now.
    await refused(retireJwsKey(w.partnerA.actor, first.id, { retireAt: "2001-01-01T00:00:00Z" }), "validation_failed");
    await refused(retireJwsKey(w.partnerB.actor, first.id, { retireAt: "now" }), "not_found");
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect((await retireJwsKey(w.officer1.actor, first.id, { retireAt: later })).state).toBe("active");
    expect((await jwks()).keys).toHaveLength(2);
    expect((await retireJwsKey(w.partnerA.actor, first.id, { retireAt: "now" })).state).toBe("retired");
    await refused(retireJwsKey(w.partnerA.actor, first.id, { retireAt: later }), "conflict");
    expect((await jwks()).keys.map((k: { kid: string }) => k.kid)).toEqual([second.kid]);
    const retired = await verifyJwsSignature(w.partnerA.actor, { environment: w.env.code, ...req });
    expect(retired).toMatchObject({ verified: false, reason: "key_retired" });
    const audit = await getDb().auditEvent.findMany({ where: { targetId: first.id }, select: { action: true }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["jws_key.submit", "jws_key.approve", "jws_key.approve", "jws_key.endorse", "jws_key.retire", "jws_key.retire"]);
    expect((await listJwsKeys(w.partnerB.actor, { environment: w.env.code })).length).toBe(0);
    const items = (await getOrgExchange(w.partnerA.actor, w.env.code)).items;
    expect(items.find((i) => i.kind === "partner-jws-key")).toMatchObject({ state: "active", next: null });
  });

  it("the API: upload answers 201, a refusal 422 with its message; verify reports each reason", async () => {
    const w = await makeWorld();
    const post = (body: unknown, token = w.partnerA.token) => uploadRoute(new Request("http://k/api/v1/jws-keys", { method: "POST", body: JSON.stringify(body), headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }), ctx({}));
    const r422 = await post({ environment: w.env.code, key: opensslKey("p521").publicPem });
    expect(r422.status).toBe(422);
    expect((await r422.json()).error.message).toMatch(/P-521/);
    const k = opensslKey("rsa2048");
    const r201 = await post({ environment: w.env.code, key: k.publicPem });
    expect(r201.status).toBe(201);
    const { id } = await r201.json();
    await endorseJwsKey(w.officer1.actor, id);
    const req = opensslFspiopRequest(k, { alg: "RS256" });
    const verify = async (body: unknown) => (await verifyRoute(new Request("http://k/api/v1/jws/verify", { method: "POST", body: JSON.stringify(body), ...bearer(w.partnerA.token) }), ctx({}))).json();
    expect(await verify({ environment: w.env.code, ...req })).toMatchObject({ verified: true });
    expect(await verify({ environment: w.env.code, ...req, body: req.body.replace("123.45", "123.46") })).toMatchObject({ verified: false, reason: "body_changed" });
    expect(await verify({ environment: w.env.code, ...req, headers: { ...req.headers, Date: req.headers.Date.replace("10:00", "10:01") } })).toMatchObject({ reason: "header_mismatch", header: "Date" });
    expect(await verify({ environment: w.env.code, ...opensslFspiopRequest(k, { alg: "RS256", kid: "nope" }) })).toMatchObject({ reason: "unknown_kid" });
  });
});

describe("JWKS routes", () => {
  it("partner sets need a token and poll with ETag / 304; a partner sees only its own; provider.json is public", async () => {
    const w = await makeWorld();
    const up = await uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: rsa.certPem });
    await endorseJwsKey(w.officer1.actor, up.id);
    const url = `http://k/.well-known/jwks/${w.env.code}.json`;
    expect((await envJwksRoute(new Request(url), ctx({ env: `${w.env.code}.json` }))).status).toBe(401);
    expect((await envJwksRoute(new Request(url, bearer("nope")), ctx({ env: `${w.env.code}.json` }))).status).toBe(401);
    const res = await envJwksRoute(new Request(url, bearer(w.gateway.token)), ctx({ env: `${w.env.code}.json` }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/jwk-set+json");
    expect(res.headers.get("cache-control")).toMatch(/max-age=\d+, must-revalidate/);
    const etag = res.headers.get("etag")!;
    const set = await res.json();
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({ kty: "RSA", kid: up.kid, alg: "RS256", use: "sig", org: w.orgA.code });
    expect(set.keys[0].x5c).toHaveLength(1);
    expect(set.keys[0]["x5t#S256"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await envJwksRoute(new Request(url, bearer(w.gateway.token, { "if-none-match": etag })), ctx({ env: `${w.env.code}.json` }));
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    // Per partner: by path and by ?org=; partner B gets 404 for A and an empty set of its own.
    const byPath = await fileJwksRoute(new Request(`http://k/.well-known/jwks/${w.env.code}/${w.orgA.code}.json`, bearer(w.officer1.token)), ctx({ env: w.env.code, file: `${w.orgA.code}.json` }));
    expect((await byPath.json()).keys).toHaveLength(1);
    const byQuery = await envJwksRoute(new Request(`${url}?org=${w.orgB.code}`, bearer(w.gateway.token)), ctx({ env: `${w.env.code}.json` }));
    expect((await byQuery.json()).keys).toHaveLength(0);
    expect((await fileJwksRoute(new Request("http://k/x", bearer(w.partnerB.token)), ctx({ env: w.env.code, file: `${w.orgA.code}.json` }))).status).toBe(404);
    expect((await (await envJwksRoute(new Request(url, bearer(w.partnerB.token)), ctx({ env: `${w.env.code}.json` }))).json()).keys).toHaveLength(0);
    expect((await envJwksRoute(new Request(url), ctx({ env: "nonsense" }))).status).toBe(404);
    expect((await envJwksRoute(new Request(url, bearer(w.gateway.token)), ctx({ env: "NOPE.json" }))).status).toBe(422);
    // The provider's set: anonymous.
    const prov = await fileJwksRoute(new Request(`http://k/.well-known/jwks/${w.env.code}/provider.json`), ctx({ env: w.env.code, file: "provider.json" }));
    expect(prov.status).toBe(200);
    expect(prov.headers.get("cache-control")).toMatch(/^public/);
    expect(await prov.json()).toEqual({ keys: [] });
  });
});

describe("provider JWS keys", () => {
  it("are generated sealed (never returned) or uploaded public; partners see and download active keys; rotation overlaps", async () => {
    const w = await makeWorld();
    await refused(createProviderJwsKey(w.officer1.actor, { environment: w.env.code, generate: true }), "forbidden");
    await refused(createProviderJwsKey(w.admin.actor, { environment: w.env.code }), "validation_failed");
    await refused(createProviderJwsKey(w.admin.actor, { environment: w.env.code, key: rsa.privatePem }), "validation_failed");
    const gen = await createProviderJwsKey(w.admin.actor, { environment: w.env.code, generate: true });
    expect(gen).toMatchObject({ alg: "RS256", key: "RSA 2048", source: "generated", state: "active" });
    expect(JSON.stringify(gen)).not.toMatch(/encrypted|"d"/i);
    const up = await createProviderJwsKey(w.admin.actor, { environment: w.env.code, key: ec.publicPem });
    expect(up).toMatchObject({ alg: "ES256", source: "uploaded" });
    const row = await getDb().providerJwsKey.findUniqueOrThrow({ where: { id: gen.id } });
    expect(row.encryptedKey?.length).toBeGreaterThan(1000);
    expect(Buffer.from(row.encryptedKey!).toString("latin1")).not.toContain("PRIVATE");

    const prov = async () => (await (await fileJwksRoute(new Request("http://k/p"), ctx({ env: w.env.code, file: "provider.json" }))).json()).keys as { kid: string }[];
    expect((await prov()).map((k) => k.kid).sort()).toEqual([gen.kid, up.kid].sort());
    expect((await listProviderJwsKeys(w.partnerA.actor, w.env.code)).length).toBe(2);
    const pem = await downloadProviderJwsKey(w.partnerA.actor, gen.id, "pem");
    expect(pem.body).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const jwk = JSON.parse((await downloadProviderJwsKey(w.partnerA.actor, gen.id, "jwk")).body as string);
    expect(jwk).toMatchObject({ kty: "RSA", kid: gen.kid, alg: "RS256", use: "sig" });
    expect(jwk).not.toHaveProperty("d");

    // Keyport signs with the sealed key; the published key verifies it.
    const sig = JSON.parse(await signWithProviderJwsKey(getDb(), gen.id, { "FSPIOP-Source": "provider" }, '{"ping":1}'));
    await flattenedVerify({ protected: sig.protectedHeader, payload: Buffer.from('{"ping":1}').toString("base64url"), signature: sig.signature }, await importJWK(jwk, "RS256"));

    // Retire the generated key now: it leaves the set and partners' lists; admins still see it.
    await refused(retireProviderJwsKey(w.partnerA.actor, gen.id, { retireAt: "now" }), "forbidden");
    await retireProviderJwsKey(w.admin.actor, gen.id, { retireAt: "now" });
    expect((await prov()).map((k) => k.kid)).toEqual([up.kid]);
    expect((await listProviderJwsKeys(w.partnerA.actor, w.env.code)).map((k) => k.id)).toEqual([up.id]);
    expect((await listProviderJwsKeys(w.admin.actor, w.env.code)).length).toBe(2);
    await refused(downloadProviderJwsKey(w.partnerA.actor, gen.id, "pem"), "not_found");
    const items = (await getOrgExchange(w.partnerA.actor, w.env.code)).items;
    expect(items.find((i) => i.kind === "provider-jws-keys")).toMatchObject({ state: "active" });
  });
});
