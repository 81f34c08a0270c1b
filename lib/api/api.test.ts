// API v1 through its route handlers (the same functions Next.js serves): bearer
// tokens, status codes, error shapes, bad input and cross-organisation access.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeApiRateLimits } from "@/lib/api/rate-limit";
import { disconnectDb, getDb } from "@/lib/db/client";
import * as asn1js from "asn1js";
import { makeUser, makeWorld, opensslCsr } from "@/lib/testing/world";
import { type TestName, ascii, buildCsr, extension, implicitName, rawString } from "@/lib/pki/csr/fixtures/build-csr";
import { AppError, asAppError } from "@/lib/errors";
import { errorResponse, guardOf } from "@/lib/api/handler";
import { type Permission, roleHas } from "@/lib/auth/permissions";
import * as requests from "@/app/api/v1/certificate-requests/route";
import * as request from "@/app/api/v1/certificate-requests/[id]/route";
import * as approve from "@/app/api/v1/certificate-requests/[id]/approve/route";
import * as reject from "@/app/api/v1/certificate-requests/[id]/reject/route";
import * as certificates from "@/app/api/v1/certificates/route";
import * as certificate from "@/app/api/v1/certificates/[id]/route";
import * as download from "@/app/api/v1/certificates/[id]/download/route";
import * as pkcs12 from "@/app/api/v1/certificates/[id]/pkcs12/route";
import * as revoke from "@/app/api/v1/certificates/[id]/revoke/route";
import * as allowRequests from "@/app/api/v1/ip-allowlist-requests/route";
import * as allowRequest from "@/app/api/v1/ip-allowlist-requests/[id]/route";
import * as allowApprove from "@/app/api/v1/ip-allowlist-requests/[id]/approve/route";
import * as allowReject from "@/app/api/v1/ip-allowlist-requests/[id]/reject/route";
import * as allowlist from "@/app/api/v1/ip-allowlist/route";
import * as envAllowlist from "@/app/api/v1/environments/[code]/allowlist/route";
import * as envCa from "@/app/api/v1/environments/[code]/ca/route";
import * as environments from "@/app/api/v1/environments/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import * as crlFile from "@/app/crl/[file]/route";
import * as caFile from "@/app/ca/[file]/route";
import { CERTIFICATE_FORMATS } from "@/lib/services/certificates/download-certificate";
import { CA_CHAIN_FORMATS } from "@/lib/services/ca/ca-chain";
import { EXPORT_FORMATS } from "@/lib/services/allowlist/allowlist-requests";

// This file probes every operation without a token from one address: more failed authentications
// than the per-address limit allows in a minute. The limit itself is tested in lib/api/rate-limit.test.ts.
process.env.KEYPORT_API_RATE_LIMIT_FAILED_AUTH = "0";
// The run's files share one process: limits an earlier file created (from its environment) are
// dropped, so the next call reads the setting above.
beforeAll(closeApiRateLimits);

afterAll(disconnectDb);

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(handler: unknown, opts: { method?: string; path?: string; token?: string; body?: unknown; raw?: string; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  const req = new Request(`http://localhost:3000${opts.path ?? "/api/v1/x"}`, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const res = await (handler as Handler)(req, { params: Promise.resolve(opts.params ?? {}) });
  const type = res.headers.get("content-type") ?? "";
  const data = type.includes("json") ? await res.json() : new Uint8Array(await res.arrayBuffer());
  return { status: res.status, data, headers: res.headers };
}

type RouteModule = Record<string, Handler>;

/** Every route file under app/api/v1 (except the catch-all), by its URL path template ("/api/v1/certificates/{id}"). */
async function routeModules(): Promise<{ path: string; template: string; mod: RouteModule }[]> {
  const root = join(process.cwd(), "app/api/v1");
  const dirs: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === "route.ts") dirs.push(relative(root, dir));
    }
  };
  walk(root);
  return Promise.all(
    dirs
      .filter((d) => !d.startsWith("[..."))
      .sort()
      .map(async (d) => ({
        path: `/api/v1/${d}`,
        template: `/api/v1/${d}`.replace(/\[(\w+)\]/g, "{$1}"),
        mod: (await import(join(root, d, "route.ts"))) as RouteModule,
      })),
  );
}

/** One world for tests that only read, or that count what they add: makeWorld costs seconds. */
let shared: ReturnType<typeof makeWorld> | undefined;
const sharedWorld = () => (shared ??= makeWorld());

describe("API v1", () => {
  it("runs the partner flow end to end: submit, track, issue, list, download, truststore, revoke", async () => {
    const w = await makeWorld();
    const a = w.partnerA.token;
    const { csr } = opensslCsr(`/CN=${w.orgA.code}-api`);

    const created = await call(requests.POST, { token: a, body: { environment: w.env.code, profile: "mtls-client", csr } });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ status: "pending" });
    expect(created.data.checks.length).toBeGreaterThan(4);
    const id = created.data.id as string;

    const got = await call(request.GET, { token: a, params: { id } });
    expect(got.status).toBe(200);
    expect(got.data).toMatchObject({ id, status: "pending", environment: w.env.code, profile: "mtls-client", approvals: [], rejectionReason: null, certificateId: null });

    expect((await call(approve.POST, { token: a, params: { id } })).status).toBe(403);
    const approved = await call(approve.POST, { token: w.officer1.token, params: { id }, body: { comment: "ok" } });
    expect(approved.status).toBe(200);
    expect(approved.data.status).toBe("issued");
    const certId = approved.data.certificateId as string;

    const list = await call(requests.GET, { token: a, path: `/api/v1/certificate-requests?status=issued&environment=${w.env.code}` });
    expect(list.data.requests.map((r: { id: string }) => r.id)).toContain(id);
    const certs = await call(certificates.GET, { token: a, path: `/api/v1/certificates?environment=${w.env.code}` });
    expect(certs.data.certificates).toHaveLength(1);
    const one = await call(certificate.GET, { token: a, params: { id: certId } });
    expect(one.data).toMatchObject({ id: certId, status: "valid", timeline: { events: [{ type: "issued", requestId: id }], omittedVerifications: 0 } });
    expect(one.data.serial).toMatch(/^[0-9A-F]+$/);
    expect(one.data.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const found = await call(certificates.GET, { token: a, path: `/api/v1/certificates?q=${encodeURIComponent(one.data.fingerprint)}` });
    expect(found.data.certificates.map((c: { id: string }) => c.id)).toEqual([certId]);
    const bySerial = await call(certificates.GET, { token: a, path: `/api/v1/certificates?q=${one.data.serial.toLowerCase()}` });
    expect(bySerial.data.certificates.map((c: { id: string }) => c.id)).toEqual([certId]);
    expect(new Date(one.data.notAfter).getTime()).toBeGreaterThan(Date.now());

    for (const [format, type] of [
      ["pem", "application/x-pem-file"],
      ["chain", "application/x-pem-file"],
      ["chain-root-first", "application/x-pem-file"],
      ["der", "application/pkix-cert"],
      ["p7b", "application/x-pkcs7-certificates"],
      ["zip", "application/zip"],
    ]) {
      const res = await call(download.GET, { token: a, params: { id: certId }, path: `/api/v1/certificates/${certId}/download?format=${format}` });
      expect(res.status, format).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="/);
    }
    expect((await call(download.GET, { token: a, params: { id: certId }, path: `/api/v1/certificates/${certId}/download?format=jks` })).status).toBe(400);

    const p12 = await call(pkcs12.POST, { token: a, params: { id: certId }, body: { password: "changeit-123" } });
    expect(p12.status).toBe(200);
    expect(p12.headers.get("content-type")).toBe("application/x-pkcs12");
    expect((await call(pkcs12.POST, { token: a, params: { id: certId }, body: {} })).status).toBe(422);

    expect((await call(revoke.POST, { token: a, params: { id: certId }, body: { reason: "bogus" } })).status).toBe(422);
    const caReason = await call(revoke.POST, { token: w.officer1.token, params: { id: certId }, body: { reason: "cACompromise" } });
    expect(caReason.status).toBe(422);
    expect(caReason.data.error.message).toMatch(/CA certificates only/);
    const revoked = await call(revoke.POST, { token: a, params: { id: certId }, body: { reason: "superseded" } });
    expect(revoked.status).toBe(200);
    expect(revoked.data.status).toBe("revoked");
    expect((await call(revoke.POST, { token: a, params: { id: certId }, body: { reason: "superseded" } })).status).toBe(409);
  });

  it("answers bad input with a specific error and stores nothing", async () => {
    const w = await makeWorld();
    const a = w.partnerA.token;
    const before = await getDb().certificateRequest.count();
    expect((await call(requests.POST, { body: { environment: w.env.code, csr: "x" } })).status).toBe(401);
    expect((await call(requests.POST, { token: "kp_wrong", body: { environment: w.env.code, csr: "x" } })).status).toBe(401);
    const notJson = await call(requests.POST, { token: a, raw: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.data.error.code).toBe("bad_request");
    const missing = await call(requests.POST, { token: a, body: { environment: w.env.code } });
    expect(missing.status).toBe(422);
    expect(missing.data.error.fields.csr).toBeTruthy();
    const huge = await call(requests.POST, { token: a, body: { environment: w.env.code, csr: "A".repeat(66 * 1024) } });
    expect(huge.status).toBe(413);
    const { key } = opensslCsr("/CN=k");
    const privateKey = await call(requests.POST, { token: a, body: { environment: w.env.code, csr: key } });
    expect(privateKey.status).toBe(422);
    expect(privateKey.data.checks[0]).toMatchObject({ code: "csr.private_key", result: "fail" });
    expect(JSON.stringify(privateKey.data)).not.toContain(key.split("\n")[1]);
    const weak = await call(requests.POST, { token: a, body: { environment: w.env.code, csr: opensslCsr("/CN=has space", { key: "rsa1024" }).csr } });
    expect(weak.status).toBe(422);
    expect(weak.data.checks.filter((c: { result: string }) => c.result === "fail").map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(["key.type", "subject.CN"]));
    // Base64 DER is accepted just like PEM.
    const b64 = opensslCsr("/CN=base64-der").csr.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    expect((await call(requests.POST, { token: a, body: { environment: w.env.code, csr: b64 } })).status).toBe(201);
    expect(await getDb().certificateRequest.count()).toBe(before + 1);
    // Rejecting needs a reason.
    const id = (await call(requests.GET, { token: a })).data.requests[0].id;
    const noReason = await call(reject.POST, { token: w.officer1.token, params: { id }, body: {} });
    expect(noReason.status).toBe(422);
    expect(noReason.data.error.fields.reason).toBeTruthy();
    const rejected = await call(reject.POST, { token: w.officer1.token, params: { id }, body: { reason: "wrong CN" } });
    expect(rejected.data).toMatchObject({ status: "rejected", rejectionReason: "wrong CN" });
  });

  it("names the field at fault: unknown environment or profile (422, not 404), unknown list filters (422, not []), wrong JSON types", async () => {
    const w = await sharedWorld();
    const a = w.partnerA.token;
    const before = [await getDb().certificateRequest.count(), await getDb().allowlistRequest.count()];
    const { csr } = opensslCsr(`/CN=${w.orgA.code}-fields`);
    for (const [handler, body, field, message] of [
      [requests.POST, { environment: "NOPE", csr }, "environment", /^No environment with code "NOPE"; use one of .*\.$/],
      [requests.POST, { environment: w.env.code, profile: "no-such-profile", csr }, "profile", /^No profile with code "no-such-profile"\.$/],
      [allowRequests.POST, { environment: "NOPE", entries: ["9.9.4.4"] }, "environment", /^No environment with code "NOPE"/],
      [requests.POST, { environment: 5, csr }, "environment", /^environment must be a string \(an environment code such as "PPR"\)\.$/],
      [requests.POST, { environment: w.env.code, profile: null, csr }, "profile", /^profile must be a string \(a profile code such as "mtls-client"\)\.$/],
      [requests.POST, { environment: w.env.code, csr: { pem: csr } }, "csr", /^csr must be a string \(the CSR as PEM text, or as base64 DER\)\.$/],
      [allowRequests.POST, { environment: w.env.code, entries: [5] }, "entries.0", /^entries\[0\] must be a string such as "203\.0\.113\.10" or "2001:db8::\/48"\.$/],
      [allowRequests.POST, { environment: w.env.code, entries: "9.9.4.4" }, "entries", /^entries must be a list of IP addresses or CIDR ranges/],
      [allowRequests.POST, { environment: w.env.code, entries: ["9.9.4.4"], note: 7 }, "note", /^note must be a string\.$/],
    ] as const) {
      const res = await call(handler, { token: a, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.data.error.fields[field], JSON.stringify(body)).toMatch(message);
    }
    expect([await getDb().certificateRequest.count(), await getDb().allowlistRequest.count()]).toEqual(before);

    for (const [handler, path] of [
      [certificates.GET, "/api/v1/certificates?environment=XXX"],
      [requests.GET, "/api/v1/certificate-requests?environment=XXX"],
      [allowRequests.GET, "/api/v1/ip-allowlist-requests?environment=XXX"],
      [allowlist.GET, "/api/v1/ip-allowlist?environment=XXX"],
    ] as const) {
      const res = await call(handler, { token: a, path });
      expect(res.status, path).toBe(422);
      expect(res.data.error.fields, path).toEqual({ environment: expect.stringMatching(/^No environment with code "XXX"/) });
    }
    // A known environment in any case still filters.
    expect((await call(certificates.GET, { token: a, path: `/api/v1/certificates?environment=${w.env.code.toLowerCase()}` })).status).toBe(200);
  });

  it("refuses a CSR whose subject or SAN holds a control character (subject.characters), made by openssl or crafted; nothing is stored", async () => {
    const w = await sharedWorld();
    const before = await getDb().certificateRequest.count();
    const utf8 = (s: string) => new asn1js.Utf8String({ value: s });
    const crafted = async (subject: TestName, extensions?: asn1js.Sequence[]) =>
      Buffer.from(await buildCsr({ key: "p256", subject, extensions })).toString("base64");
    const san = (dns: string) =>
      extension("2.5.29.17", new asn1js.Sequence({ value: [implicitName(2, ascii(dns))] }));
    // Control: the same crafted shape without the control character is accepted by every check.
    const clean = await call(requests.POST, { token: w.partnerA.token, body: { environment: w.env.code, csr: await crafted([["2.5.4.3", utf8(`${w.orgA.code}-clean`)]]) } });
    expect(clean.status, JSON.stringify(clean.data)).toBe(201);
    for (const [csr, message] of [
      [await crafted([["2.5.4.3", utf8(`${w.orgA.code}\u0000evil`)]]), /CN ".*\\u0000evil" holds the control character U\+0000 \(NUL\)/],
      [await crafted([["2.5.4.3", utf8(`${w.orgA.code}-c1\u009b`)]]), /U\+009B/],
      [await crafted([["2.5.4.3", utf8(`${w.orgA.code}-san`)]], [san("api.example\u0007.evil.example")]), /DNS SAN .* U\+0007 \(BEL\)/],
      [opensslCsr(`/CN=${w.orgA.code}\u0001evil`).csr, /U\+0001/],
    ] as const) {
      const res = await call(requests.POST, { token: w.partnerA.token, body: { environment: w.env.code, csr } });
      expect(res.status).toBe(422);
      const failed = res.data.checks.filter((c: { result: string }) => c.result === "fail");
      expect(failed.map((c: { code: string }) => c.code)).toContain("subject.characters");
      expect(failed.find((c: { code: string }) => c.code === "subject.characters").message).toMatch(message);
    }
    expect(await getDb().certificateRequest.count()).toBe(before + 1);
  });

  it("refuses U+0000 and other control characters in any body field, query parameter or path with 422 naming it (404 for a path); nothing is stored", async () => {
    const w = await sharedWorld();
    const a = w.partnerA.token;
    const env = w.env.code;
    const missing = "00000000-0000-4000-8000-000000000000";
    const counts = async () => [await getDb().certificateRequest.count(), await getDb().allowlistRequest.count(), await getDb().auditEvent.count()];
    const before = await counts();
    const { csr } = opensslCsr(`/CN=${w.orgA.code}-nul`);
    for (const [handler, token, body, field, params] of [
      [allowRequests.POST, a, { environment: env, entries: ["9.9.4.4"], note: "a\u0000b" }, "note"],
      [allowRequests.POST, a, { environment: `${env}\u0000`, entries: ["9.9.4.4"] }, "environment"],
      [allowRequests.POST, a, { environment: env, entries: ["9.9.4.4\u0000"] }, "entries.0"],
      [allowRequests.POST, a, { environment: env, entries: ["9.9.4.4"], note: "bell\u0007 and C1 \u0085" }, "note"],
      [requests.POST, a, { environment: `${env}\u0000`, csr }, "environment"],
      [requests.POST, a, { environment: env, profile: "mtls\u0000", csr }, "profile"],
      [requests.POST, a, { environment: env, csr: `${csr}\u0000` }, "csr"],
      [requests.POST, a, { environment: env, csr, renews: "\u0000" }, "renews"],
      // A single-line field keeps no line break; multi-line text (a note, a comment, a reason) may.
      [requests.POST, a, { environment: `${env}\nX`, csr }, "environment"],
      [revoke.POST, a, { reason: "superseded", comment: "x\u0000" }, "comment", { id: missing }],
      [reject.POST, w.officer1.token, { reason: "no\u0000" }, "reason", { id: missing }],
      [allowReject.POST, w.officer1.token, { reason: "no\u0000" }, "reason", { id: missing }],
      [approve.POST, w.officer1.token, { comment: "\u001b[31mred" }, "comment", { id: missing }],
      [pkcs12.POST, a, { password: "changeit\u0000123" }, "password", { id: missing }],
    ] as const) {
      const res = await call(handler, { token, body, params: (params ?? {}) as Record<string, string> });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.data.error.code).toBe("validation_failed");
      expect(Object.keys(res.data.error.fields), JSON.stringify(body)).toContain(field);
      expect(res.data.error.message).toMatch(/control character U\+00(00|07|1B)|must be on one line/);
    }
    const noted = await call(allowRequests.POST, { token: a, body: { environment: env, entries: ["9.9.4.5"], note: "line one\nline two\tend" } });
    expect(noted.status).toBe(201);
    expect(noted.data.note).toBe("line one\nline two\tend");

    for (const [handler, path, param] of [
      [certificates.GET, `/api/v1/certificates?environment=${env}%00`, "environment"],
      [certificates.GET, "/api/v1/certificates?q=%00", "q"],
      [certificates.GET, "/api/v1/certificates?organisation=%00", "organisation"],
      [requests.GET, `/api/v1/certificate-requests?environment=${env}%00`, "environment"],
      [allowRequests.GET, "/api/v1/ip-allowlist-requests?organisation=x%01", "organisation"],
      [allowlist.GET, `/api/v1/ip-allowlist?environment=${env}%0A`, "environment"],
    ] as const) {
      const res = await call(handler, { token: a, path });
      expect(res.status, path).toBe(422);
      expect(Object.keys(res.data.error.fields), path).toEqual([param]);
      expect(res.data.error.message).toContain(`query parameter ${param}`);
    }
    const ca = await call(envCa.GET, { params: { code: `${env}\u0000` }, path: `/api/v1/environments/${env}%00/ca` });
    expect(ca.status).toBe(404);
    expect(ca.data.error.code).toBe("not_found");
    expect((await call(envAllowlist.GET, { token: w.gateway.token, params: { code: "\u0000" } })).status).toBe(404);
    expect(await counts()).toEqual([before[0], before[1] + 1, before[2] + 1]);
  });

  it("refuses an unpaired UTF-16 surrogate (JSON \\ud800) in any body field with 422 naming it, like a control character; nothing is stored", async () => {
    const w = await sharedWorld();
    const a = w.partnerA.token;
    const counts = async () => [await getDb().certificateRequest.count(), await getDb().allowlistRequest.count(), await getDb().auditEvent.count()];
    const before = await counts();
    const { csr } = opensslCsr(`/CN=${w.orgA.code}-surrogate`);
    // Raw JSON text: the escapes reach JSON.parse as written.
    const json = (o: Record<string, unknown>) => JSON.stringify(o).replace(/LONE-HIGH/g, "\\ud800").replace(/LONE-LOW/g, "\\udc00");
    for (const [handler, token, raw, field, params] of [
      [allowRequests.POST, a, json({ environment: w.env.code, entries: ["9.9.5.5"], note: "before LONE-HIGH after" }), "note"],
      [allowRequests.POST, a, json({ environment: w.env.code, entries: ["9.9.5.5"], note: "LONE-LOW" }), "note"],
      [allowRequests.POST, a, json({ environment: w.env.code, entries: ["9.9.5.5LONE-HIGH"] }), "entries.0"],
      [requests.POST, a, json({ environment: w.env.code, csr, renews: "LONE-HIGH" }), "renews"],
      [reject.POST, w.officer1.token, json({ reason: "no LONE-HIGH" }), "reason", { id: "00000000-0000-4000-8000-000000000000" }],
    ] as const) {
      const res = await call(handler, { token, raw, params: (params ?? {}) as Record<string, string> });
      expect(res.status, raw).toBe(422);
      expect(res.data.error.code).toBe("validation_failed");
      expect(Object.keys(res.data.error.fields), raw).toContain(field);
      expect(res.data.error.message).toMatch(/contains an unpaired UTF-16 surrogate \(U\+D(800|C00)\), which is not a character/);
    }
    // A surrogate pair is one character (here an emoji) and is kept.
    const paired = await call(allowRequests.POST, { token: a, raw: json({ environment: w.env.code, entries: ["9.9.5.6"], note: "card \ud83d\udcb3" }) });
    expect(paired.status, JSON.stringify(paired.data)).toBe(201);
    expect(paired.data.note).toBe("card 💳");
    expect(await counts()).toEqual([before[0], before[1] + 1, before[2] + 1]);
  });

  it("refuses a CSR whose BMPString subject holds an unpaired surrogate with its finding (422), not a 500; nothing is stored", async () => {
    const w = await sharedWorld();
    const before = await getDb().certificateRequest.count();
    const der = await buildCsr({ key: "p256", subject: [["2.5.4.3", rawString(30, [0, 0x61, 0xd8, 0x00])]] });
    const res = await call(requests.POST, { token: w.partnerA.token, body: { environment: w.env.code, csr: Buffer.from(der).toString("base64") } });
    expect(res.status, JSON.stringify(res.data)).toBe(422);
    expect(res.data.checks).toEqual([{ code: "csr.malformed", result: "fail", message: expect.stringMatching(/the subject attribute CN is a BMPString holding an unpaired surrogate \(U\+D800\)/) }]);
    expect(await getDb().certificateRequest.count()).toBe(before);
  });

  it("refuses a body nested 30,000 levels deep with 400 (no stack overflow anywhere); nothing is stored", async () => {
    const w = await sharedWorld();
    const before = await getDb().auditEvent.count();
    const deep = "[".repeat(30_000) + "]".repeat(30_000);
    for (const [handler, raw] of [
      [allowRequests.POST, `{"environment":"${w.env.code}","entries":["9.9.6.6"],"note":${deep}}`],
      [requests.POST, `{"environment":"${w.env.code}","csr":"x","extra":${deep}}`],
      // Objects take 6 bytes a level: 10,000 fit the 64 KiB body limit.
      [allowRequests.POST, `{"deep":${"{\"a\":".repeat(10_000)}1${"}".repeat(10_000)}}`],
    ] as const) {
      const res = await call(handler, { token: w.partnerA.token, raw });
      expect(res.status).toBe(400);
      expect(res.data.error).toEqual({ code: "bad_request", message: "The request body is nested deeper than 64 levels." });
    }
    // 64 levels are still read (and then refused by the schema for what they are).
    const nested64 = await call(allowRequests.POST, { token: w.partnerA.token, raw: `{"environment":"${w.env.code}","entries":${"[".repeat(63)}"9.9.6.6"${"]".repeat(63)}}` });
    expect(nested64.status).toBe(422);
    expect(await getDb().auditEvent.count()).toBe(before);
  });

  it("reads a body no further than its limit: a declared Content-Length is refused unread, an endless chunked body is cut off", async () => {
    const w = await sharedWorld();
    /** A body of `total` bytes of JSON-ish filler, produced only as the reader pulls it. */
    const endless = (total = 300 * 1024 * 1024) => {
      let pulled = 0;
      const stream = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (pulled >= total) return controller.close();
            const chunk = new Uint8Array(16 * 1024).fill(0x20);
            if (pulled === 0) chunk[0] = 0x7b; // "{"
            pulled += chunk.length;
            controller.enqueue(chunk);
          },
        },
        { highWaterMark: 0 },
      );
      return { stream, pulled: () => pulled };
    };
    const post = (handler: unknown, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}, params: Record<string, string> = {}) =>
      (handler as Handler)(
        new Request("http://localhost:3000/api/v1/x", {
          method: "POST",
          headers: { authorization: `Bearer ${w.partnerA.token}`, "content-type": "application/json", ...headers },
          body,
          duplex: "half",
        } as RequestInit),
        { params: Promise.resolve(params) },
      );

    for (const [handler, limit, params] of [
      [requests.POST, 96 * 1024, {}],
      [allowRequests.POST, 64 * 1024, {}],
      [revoke.POST, 64 * 1024, { id: "00000000-0000-4000-8000-000000000000" }],
    ] as const) {
      const chunked = endless();
      const res = await post(handler, chunked.stream, {}, params);
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("too_large");
      // Read up to the limit plus the chunk that crossed it: not the 300 MB on offer.
      expect(chunked.pulled()).toBeLessThanOrEqual(limit + 16 * 1024);

      const declared = endless();
      const refused = await post(handler, declared.stream, { "content-length": String(300 * 1024 * 1024) }, params);
      expect(refused.status).toBe(413);
      expect(declared.pulled()).toBe(0);
    }
    // Under the limit, a streamed body is read whole.
    const small = new TextEncoder().encode(JSON.stringify({ environment: w.env.code, entries: ["9.9.4.7"] }));
    const ok = await post(allowRequests.POST, new ReadableStream({ start: (c) => (c.enqueue(small), c.close()) }));
    expect(ok.status).toBe(201);
    // Bytes that are not UTF-8 are not JSON.
    const latin1 = await post(allowRequests.POST, new ReadableStream({ start: (c) => (c.enqueue(Uint8Array.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d])), c.close()) }));
    expect(latin1.status).toBe(400);
  });

  it("refuses a JSON body with a field the endpoint does not know (422 naming it, at any depth) on every route that reads one", async () => {
    const w = await sharedWorld();
    const users = { partner_security_officer: w.partnerA, partner_admin: await makeUser("partner", w.orgA.code, "partner_admin"), officer: w.officer1, admin: w.admin, gateway: w.gateway } as const;
    const uuid = "00000000-0000-4000-8000-000000000000";
    const root = join(process.cwd(), "app/api/v1");
    let covered = 0;
    for (const { path, template, mod } of await routeModules()) {
      const source = readFileSync(join(root, path.slice("/api/v1/".length), "route.ts"), "utf8");
      if (!/read(Optional)?Json\(/.test(source)) continue;
      const method = (["POST", "PATCH", "PUT"] as const).find((m) => new RegExp(`\\b${m}:`).test(source))!;
      const guard = guardOf(mod[method]) as Permission;
      const role = (Object.keys(users) as (keyof typeof users)[]).find((r) => roleHas(r, guard))!;
      const params = Object.fromEntries([...template.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], m[1] === "code" ? w.env.code : uuid]));
      const res = await call(mod[method], { method, token: users[role as keyof typeof users].token, params, path, body: { bogusField: 1, "other-field": "y" } });
      expect(res.status, path).toBe(422);
      expect(res.data.error.message, path).toMatch(/does not know: "bogusField", "other-field"/);
      expect(res.data.error.fields, path).toMatchObject({ bogusField: "Unknown field.", "other-field": "Unknown field." });
      covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(13);
    // Nested: a misspelt list inside sans is named with its path; nothing is stored.
    const before = await getDb().certificateRequest.count();
    const { csr } = opensslCsr(`/CN=${w.orgA.code}-strict`);
    const nested = await call(requests.POST, { token: w.partnerA.token, body: { environment: w.env.code, csr, sans: { dns: ["a.example"], dnss: ["b.example"] } } });
    expect(nested.status).toBe(422);
    expect(nested.data.error.message).toMatch(/"sans\.dnss"/);
    expect(await getDb().certificateRequest.count()).toBe(before);
  });

  it("answers a method a route does not implement with 405, the API's error shape and an Allow header, on every route", async () => {
    for (const { path, mod } of await routeModules()) {
      const options = await mod.OPTIONS(new Request(`http://localhost:3000${path}`, { method: "OPTIONS" }), { params: Promise.resolve({}) });
      expect(options.status, path).toBe(204);
      const allow = options.headers.get("allow")!.split(", ");
      expect(allow, path).toContain("OPTIONS");
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !allow.includes(m))) {
        const res = await mod[method](new Request(`http://localhost:3000${path}`, { method }), { params: Promise.resolve({}) });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("allow")).toBe(allow.join(", "));
        const body = await res.json();
        expect(body.error).toEqual({ code: "method_not_allowed", message: `${method} is not supported on ${path}; use ${allow.join(", ")}.` });
      }
    }
    const del = await call((await import("@/app/api/v1/certificates/[id]/route")).DELETE, { method: "DELETE", path: "/api/v1/certificates/00000000-0000-4000-8000-000000000000" });
    expect(del.status).toBe(405);
    expect(del.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(del.data.error.code).toBe("method_not_allowed");
  });

  it("maps PostgreSQL's refusal of U+0000 (22021) to a 422 as the last line, never a 500", async () => {
    const refused = await getDb()
      .environment.findUnique({ where: { code: "PPR\u0000" } })
      .then(() => null, (e: unknown) => e);
    expect(refused).toBeTruthy();
    const mapped = asAppError(refused);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ code: "validation_failed" });
    const res = errorResponse(refused, "test");
    expect(res.status).toBe(422);
  });

  it("maps PostgreSQL's refusal of an unpaired surrogate in json (22P02) to a 422 as the last line; other 22P02 errors stay unexpected", async () => {
    const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);
    // What Prisma sends for a jsonb value holding U+D800: JSON.stringify keeps it as the escape "\\ud800".
    const surrogate = await refusal(getDb().$executeRaw`SELECT ${JSON.stringify({ note: "a\ud800b" })}::jsonb`);
    expect(surrogate).toBeTruthy();
    expect(asAppError(surrogate)).toMatchObject({ code: "validation_failed", message: expect.stringMatching(/unpaired UTF-16 surrogate/) });
    expect(errorResponse(surrogate, "test").status).toBe(422);
    // The same SQLSTATE for a malformed uuid is a bug of ours, not the user's text: a 500.
    const uuid = await refusal(getDb().$executeRaw`SELECT ${"not-a-uuid"}::uuid`);
    expect(uuid).toBeTruthy();
    expect(asAppError(uuid)).not.toBeInstanceOf(AppError);
  });

  it("gives another organisation's token 404, exactly as for an id that does not exist", async () => {
    const w = await makeWorld();
    const created = await call(requests.POST, { token: w.partnerA.token, body: { environment: w.env.code, csr: opensslCsr("/CN=private").csr } });
    const id = created.data.id as string;
    const issued = await call(approve.POST, { token: w.officer1.token, params: { id } });
    const certId = issued.data.certificateId as string;
    const b = w.partnerB.token;
    const missing = "00000000-0000-4000-8000-000000000000";
    for (const [handler, params, body] of [
      [request.GET, { id }, undefined],
      [certificate.GET, { id: certId }, undefined],
      [download.GET, { id: certId }, undefined],
      [pkcs12.POST, { id: certId }, { password: "changeit-123" }],
      [revoke.POST, { id: certId }, { reason: "keyCompromise" }],
    ] as const) {
      const other = await call(handler, { token: b, params, body });
      const none = await call(handler, { token: b, params: { id: missing }, body });
      expect(other.status).toBe(404);
      expect(none.status).toBe(404);
      expect(other.data.error.code).toBe(none.data.error.code);
    }
    expect((await call(certificates.GET, { token: b })).data.certificates).toEqual([]);
    expect((await call(requests.GET, { token: b })).data.requests).toEqual([]);
  });

  it("handles allowlist requests with one error per bad entry, dual control and the gateway export", async () => {
    const w = await makeWorld({ approvalsRequired: 2 });
    const bad = await call(allowRequests.POST, { token: w.partnerA.token, body: { environment: w.env.code, entries: ["10.0.0.5/8", "::/0", "203.0.113.9"], note: "x" } });
    expect(bad.status).toBe(422);
    expect(bad.data.entries.map((e: { errors: unknown[] }) => e.errors.length > 0)).toEqual([true, true, false]);
    expect(bad.data.entries[0].errors[0].message).toContain("10.0.0.0/8");
    const ok = await call(allowRequests.POST, { token: w.partnerA.token, body: { environment: w.env.code, entries: ["203.0.113.9", "2001:db8:9::/48"], note: "NAT egress" } });
    expect(ok.status).toBe(201);
    const id = ok.data.id as string;
    expect((await call(allowRequest.GET, { token: w.partnerB.token, params: { id } })).status).toBe(404);
    expect((await call(allowApprove.POST, { token: w.partnerA.token, params: { id } })).status).toBe(403);
    expect((await call(allowApprove.POST, { token: w.officer1.token, params: { id } })).data.status).toBe("pending");
    expect((await call(allowApprove.POST, { token: w.officer1.token, params: { id } })).status).toBe(409);
    expect((await call(allowApprove.POST, { token: w.officer2.token, params: { id } })).data.status).toBe("approved");
    expect((await call(allowlist.GET, { token: w.partnerA.token, path: `/api/v1/ip-allowlist?environment=${w.env.code}` })).data.entries).toHaveLength(2);

    const nginx = await call(envAllowlist.GET, { token: w.gateway.token, params: { code: w.env.code }, path: `/api/v1/environments/${w.env.code}/allowlist?format=nginx` });
    expect(nginx.status).toBe(200);
    expect(new TextDecoder().decode(nginx.data as Uint8Array)).toMatch(/allow 203\.0\.113\.9\/32;.*\nallow 2001:db8:9::\/48;.*\ndeny all;\n$/);
    const asJson = await call(envAllowlist.GET, { token: w.officer1.token, params: { code: w.env.code }, path: `/api/v1/environments/${w.env.code}/allowlist?format=json` });
    expect(asJson.data.entries).toHaveLength(2);
    expect((await call(envAllowlist.GET, { token: w.partnerA.token, params: { code: w.env.code } })).status).toBe(403);

    const second = await call(allowRequests.POST, { token: w.partnerA.token, body: { environment: w.env.code, entries: ["198.51.100.7"] } });
    expect((await call(allowReject.POST, { token: w.officer2.token, params: { id: second.data.id }, body: {} })).status).toBe(422);
    expect((await call(allowReject.POST, { token: w.officer2.token, params: { id: second.data.id }, body: { reason: "unknown network" } })).data.status).toBe("rejected");
    // A gateway token reads allowlists and CA chains, nothing else.
    expect((await call(requests.GET, { token: w.gateway.token })).status).toBe(403);
    expect((await call(certificates.GET, { token: w.gateway.token })).status).toBe(403);
  });

  it("serves CA chains publicly in every format and lists environments", async () => {
    const w = await makeWorld();
    for (const [format, type] of [
      ["pem", "application/x-pem-file"],
      ["p7b", "application/x-pkcs7-certificates"],
      ["der-root", "application/pkix-cert"],
      ["der-issuing", "application/pkix-cert"],
    ]) {
      const res = await call(envCa.GET, { params: { code: w.env.code }, path: `/api/v1/environments/${w.env.code}/ca?format=${format}` });
      expect(res.status, format).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
    }
    expect((await call(envCa.GET, { params: { code: "NOPE" } })).status).toBe(404);
    expect((await call(envCa.GET, { params: { code: w.env.code }, path: "/x?format=jks" })).status).toBe(400);
    const envs = await call(environments.GET, { token: w.partnerA.token });
    expect(envs.data.environments.map((e: { code: string }) => e.code)).toContain(w.env.code);

  });

  it("documents every route file's methods in OpenAPI, each error status a route answers, and the media types of its files", async () => {
    const w = await sharedWorld();
    const doc = (await call(openapi.GET)).data;
    expect(doc.openapi).toBe("3.1.0");
    type Op = { security?: unknown[]; parameters?: { name: string; in: string }[]; requestBody?: unknown; responses: Record<string, { content?: Record<string, unknown> }> };
    const modules = await routeModules();

    // Every route file under app/api/v1 with exactly the methods it implements; no documented /api/v1 path without one.
    const implemented = new Map<string, string[]>();
    for (const { path, template, mod } of modules) {
      const options = await mod.OPTIONS(new Request(`http://localhost:3000${path}`, { method: "OPTIONS" }), { params: Promise.resolve({}) });
      const methods = options.headers.get("allow")!.split(", ").filter((m) => m !== "HEAD" && m !== "OPTIONS");
      implemented.set(template, methods);
      expect(Object.keys(doc.paths[template] ?? {}).map((m) => m.toUpperCase()).sort(), template).toEqual([...methods].sort());
    }
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/api/v1/")).sort()).toEqual(modules.map((m) => m.template).sort());

    // Provoke each error an operation can give (no token, bad path, bad query values, bad bodies): every
    // status that comes back is documented for that operation, and none is a 500.
    // Partner A is a partner security officer; a partner admin calls the organisation's user and token routes.
    const partnerAdmin = await makeUser("partner", w.orgA.code, "partner_admin");
    const tokens = [w.partnerA.token, w.officer1.token, w.admin.token, w.gateway.token, partnerAdmin.token];
    const missingId = "00000000-0000-4000-8000-000000000000";
    for (const { template, mod } of modules) {
      for (const method of implemented.get(template)!) {
        const op = doc.paths[template][method.toLowerCase()] as Op;
        const documented = Object.keys(op.responses);
        const pathParams = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        const params = (kind: "good" | "bad") =>
          Object.fromEntries(pathParams.map((n) => [n, n === "id" ? (kind === "good" ? missingId : "not-a-uuid") : kind === "good" ? w.env.code : "NOPE"]));
        const probe = async (label: string, o: { token?: string; params?: Record<string, string>; query?: string; body?: unknown; raw?: string }) => {
          const res = await call(mod[method], { method, token: o.token, params: o.params ?? params("good"), path: `${template}${o.query ?? ""}`, body: o.body, raw: o.raw });
          expect(res.status, `${method} ${template} ${label}`).not.toBe(500);
          expect(documented, `${method} ${template} ${label} answered ${res.status}`).toContain(String(res.status));
          return res.status;
        };
        const isPublic = Array.isArray(op.security) && op.security.length === 0;
        if (!isPublic) expect(await probe("without a token", {})).toBe(401);
        // A token whose role may call this operation (else the probes would all be 403).
        let token: string | undefined;
        for (const t of isPublic ? [undefined] : tokens) {
          token = t;
          if ((await probe("as a role", { token: t, body: method === "POST" ? {} : undefined })) !== 403) break;
        }
        if (pathParams.length) await probe("with an unknown path parameter", { token, params: params("bad"), body: method === "POST" ? {} : undefined });
        for (const q of (op.parameters ?? []).filter((p) => p.in === "query")) {
          expect(await probe(`?${q.name}=%00`, { token, query: `?${q.name}=%00` }), `${template} ?${q.name}=%00`).toBe(422);
          await probe(`?${q.name}=bogus`, { token, query: `?${q.name}=bogus` });
        }
        if (op.requestBody) {
          expect(await probe("a body that is not JSON", { token, raw: "{not json" })).toBe(400);
          expect(await probe("a JSON array body", { token, raw: "[]" })).toBe(400);
          expect(await probe("a 200 KiB body", { token, raw: JSON.stringify({ x: "A".repeat(200 * 1024) }) })).toBe(413);
          expect(await probe("a field with U+0000", { token, body: { environment: "\u0000", reason: "\u0000", comment: "\u0000", password: "\u0000" } })).toBe(422);
        }
      }
    }

    // Files come with a documented media type.
    const { csr } = opensslCsr(`/CN=${w.orgA.code}-media`);
    const id = (await call(requests.POST, { token: w.partnerA.token, body: { environment: w.env.code, csr } })).data.id;
    const certId = (await call(approve.POST, { token: w.officer1.token, params: { id } })).data.certificateId;
    const mediaTypes = (template: string, method = "get") => Object.keys((doc.paths[template][method] as Op).responses["200"].content ?? {});
    const typeOf = (res: { headers: Headers }) => res.headers.get("content-type")!.split(";")[0];
    for (const format of CERTIFICATE_FORMATS) {
      const res = await call(download.GET, { token: w.partnerA.token, params: { id: certId }, path: `/x?format=${format}` });
      expect(mediaTypes("/api/v1/certificates/{id}/download"), format).toContain(typeOf(res));
      expect(res.headers.get("keyport-certificate-status")).toBe("valid");
    }
    const p12 = await call(pkcs12.POST, { token: w.partnerA.token, params: { id: certId }, body: { password: "changeit-123" } });
    expect(mediaTypes("/api/v1/certificates/{id}/pkcs12", "post")).toEqual([typeOf(p12)]);
    for (const format of CA_CHAIN_FORMATS) {
      const res = await call(envCa.GET, { params: { code: w.env.code }, path: `/x?format=${format}` });
      expect(mediaTypes("/api/v1/environments/{code}/ca"), format).toContain(typeOf(res));
    }
    for (const format of EXPORT_FORMATS) {
      const res = await call(envAllowlist.GET, { token: w.gateway.token, params: { code: w.env.code }, path: `/x?format=${format}` });
      expect(mediaTypes("/api/v1/environments/{code}/allowlist"), format).toContain(typeOf(res));
    }
    expect(mediaTypes("/crl/{file}")).toEqual([typeOf(await call(crlFile.GET, { params: { file: `${w.env.code}.crl` } }))]);
    expect(mediaTypes("/ca/{file}")).toEqual([typeOf(await call(caFile.GET, { params: { file: `${w.env.code}-root.cer` } }))]);
  });
});
