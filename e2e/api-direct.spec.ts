// /api/v1 calls with a bearer token are served by the Keyport server in front of Next.js
// (lib/server/api-direct.ts). The e2e server does that; a second instance on the same database runs
// with KEYPORT_API_DIRECT=off, so every call goes through Next.js's router. The same requests to
// both must get the same status, headers and body — reads, refusals, bodies over the limit,
// methods a route lacks, paths Next.js normalises, compressed answers and a whole submission.
import { type ChildProcess, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, inflateSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { keyport } from "./support/helpers";
import { startInstance, stopInstance } from "./support/instance";

const directPort = Number(process.env.KEYPORT_E2E_PORT);
const nextPort = directPort + 7;

type Answer = { status: number; headers: Record<string, string>; body: Buffer };

/** A raw request (node:http, so the path goes out exactly as written: fetch would normalise it). */
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
function send(port: number, method: string, rawPath: string, headers: Record<string, string>, body?: Buffer | string, agent: http.Agent = keepAlive): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const length = body === undefined || headers["transfer-encoding"] ? {} : { "content-length": String(Buffer.byteLength(body)) };
    const req = http.request({ host: "localhost", port, method, path: rawPath, headers: { ...length, ...headers }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// Headers that differ between any two answers (time, request id, framing), and the router-state
// entries Next.js adds to Vary for its page requests (RSC), which an API answer never varies on.
const PER_ANSWER = new Set(["date", "x-request-id", "connection", "keep-alive", "transfer-encoding", "content-length"]);
function comparable(a: Answer) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(a.headers)) {
    if (PER_ANSWER.has(name)) continue;
    headers[name] =
      name === "content-security-policy"
        ? String(value).replace(/'nonce-[^']+'/g, "'nonce-…'")
        : name === "vary"
        ? String(value)
            .split(",")
            .map((v) => v.trim())
            .filter((v) => !/^(rsc|next-router-)/i.test(v))
            .join(", ")
        : String(value);
  }
  if (headers.vary === "") delete headers.vary;
  const coding = a.headers["content-encoding"];
  const body = coding === "gzip" ? gunzipSync(a.body) : coding === "deflate" ? inflateSync(a.body) : a.body;
  return { status: a.status, headers, body: body.toString("utf8") };
}

test.describe("/api/v1 in front of Next.js", () => {
  let child: ChildProcess | undefined;
  let partner = "";
  let officer = "";

  test.beforeAll(async () => {
    const token = (user: string) => {
      const r = keyport(["token", "create", "--user", user, "--name", `direct-${Date.now()}`]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    partner = token("partner@acme.test");
    officer = token("officer1@keyport.test");
    child = await startInstance(nextPort, { KEYPORT_API_DIRECT: "off", KEYPORT_JOBS: "off" });
  });

  test.afterAll(() => stopInstance(child));

  test("[api] the same answer as through Next.js, for reads, refusals and edge cases of the path", async () => {
    const auth = (t: string) => ({ authorization: `Bearer ${t}` });
    const list = JSON.parse((await send(directPort, "GET", "/api/v1/certificates?limit=5", auth(officer))).body.toString());
    const id = list.certificates[0]?.id as string;
    expect(id, "the demo data has certificates").toBeTruthy();
    const cases: [string, string, Record<string, string>, (Buffer | string)?][] = [
      ["GET", "/api/v1/me", auth(partner)],
      ["GET", "/api/v1/me", {}],
      ["GET", "/api/v1/me", { authorization: "Bearer nonsense" }],
      ["HEAD", "/api/v1/me", auth(partner)],
      ["OPTIONS", "/api/v1/me", {}],
      ["DELETE", "/api/v1/me", auth(partner)],
      ["GET", "/api/v1/certificates?limit=5", auth(officer)],
      ["GET", "/api/v1/certificates?limit=5", { ...auth(officer), "accept-encoding": "gzip" }],
      ["GET", "/api/v1/me", { ...auth(partner), "accept-encoding": "gzip" }],
      ["GET", "/api/v1/certificates?limit=5", { ...auth(officer), "accept-encoding": "gzip;q=0, *" }],
      ["GET", "/api/v1/certificates?limit=5", { ...auth(officer), "accept-encoding": "identity, gzip;q=0.1" }],
      ["GET", "/api/v1/certificates?limit=5", { ...auth(officer), "accept-encoding": "deflate" }],
      ["GET", "/api/v1/certificates?limit=0", auth(officer)],
      ["GET", "/api/v1/certificates?cursor=garbage", auth(officer)],
      ["GET", `/api/v1/certificates/${id}`, auth(officer)],
      ["GET", `/api/v1/certificates/${id}`, auth(partner)],
      ["GET", `/api/v1/certificates/${id}/download?format=pem`, auth(officer)],
      ["GET", `/api/v1/certificates/${id}/download?format=der`, auth(officer)],
      ["GET", "/api/v1/certificates/00000000-0000-4000-8000-000000000000", auth(officer)],
      ["GET", "/api/v1/certificates/a%01b", auth(officer)],
      ["GET", "/api/v1/certificates/a%2Fb", auth(officer)],
      ["GET", "/api/v1/certificates/%E0%A4%A", auth(officer)],
      ["GET", "/api/v1/me/", auth(partner)],
      ["POST", "/api/v1/provider-csrs/00000000-0000-4000-8000-000000000000/%6Bey", auth(officer)],
      ["POST", "/api/v1/users/%2e%2e/disable", auth(officer)],
      ["GET", "/crl/PPR.crl#x", {}],
      ["GET", "/crl/PPR.crl", { host: "a b" }],
      ["GET", "/crl/PPR.crl", { host: "localhost:99999" }],
      ["GET", "/api/v1//me", auth(partner)],
      ["GET", "/api/v1/nothing/here", auth(partner)],
      ["GET", "/api/v1/environments", auth(partner)],
      ["GET", "/api/v1/environments/PPR/ca?format=pem", auth(partner)],
      ["GET", "/crl/PPR.crl", {}],
      ["GET", "/crl/PPR-root.crl", auth(partner)],
      ["GET", "/crl/nothing.crl", {}],
      ["HEAD", "/crl/PPR.crl", {}],
      ["POST", "/crl/PPR.crl", {}, "x"],
      ["GET", "/ca/PPR-issuing.cer", {}],
      ["GET", "/ca/PPR-root.cer", auth(officer)],
      ["GET", "/.well-known/jwks/PPR", {}],
      ["POST", "/api/v1/certificate-requests", { ...auth(partner), "content-type": "application/json" }, "{not json"],
      ["POST", "/api/v1/certificate-requests", { ...auth(partner), "content-type": "application/json" }, JSON.stringify({ environment: "PPR", csr: "x", bogus: 1 })],
      ["POST", "/api/v1/certificate-requests", { ...auth(partner), "content-type": "application/json" }, Buffer.alloc(200 * 1024, 0x20)],
      ["POST", "/api/v1/certificate-requests", { ...auth(officer), "content-type": "application/json" }, JSON.stringify({ environment: "PPR", csr: "x" })],
    ];
    for (const [method, path, headers, body] of cases) {
      const within = (port: number) => Promise.race([send(port, method, path, headers, body), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${method} ${path} on ${port}: no answer in 10 s (direct ${directPort})`)), 10_000))]);
      const [direct, viaNext] = [await within(directPort), await within(nextPort)];
      expect(comparable(direct), `${method} ${path}`).toEqual(comparable(viaNext));
    }
  });

  test("[api] an answer sent before the body was read (413) leaves no unread bytes for the next request on its connection", async () => {
    const headers = { authorization: `Bearer ${partner}`, "content-type": "application/json" };
    for (const port of [directPort, nextPort]) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const refused = await send(port, "POST", "/api/v1/certificate-requests", headers, Buffer.alloc(200 * 1024, 0x20), agent);
      expect(refused.status).toBe(413);
      const next = await Promise.race([send(port, "GET", "/api/v1/me", { authorization: `Bearer ${partner}` }, undefined, agent), new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
      expect(next?.status, `the request after the 413 on ${port === directPort ? "the direct path" : "Next.js"}`).toBe(200);
      agent.destroy();
    }
  });

  test("[partner] a submission through either path is the same kind of answer; a call with a cookie still goes through Next.js", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kp-direct-"));
    const csr = (cn: string) => {
      execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, `${cn}.key`), "-out", path.join(dir, `${cn}.csr`), "-subj", `/CN=${cn}`], { stdio: "pipe" });
      return readFileSync(path.join(dir, `${cn}.csr`), "utf8");
    };
    const submit = (port: number, cn: string) => send(port, "POST", "/api/v1/certificate-requests", { authorization: `Bearer ${partner}`, "content-type": "application/json" }, JSON.stringify({ environment: "PPR", csr: csr(cn) }));
    const shape = (a: Answer) => {
      const body = JSON.parse(a.body.toString());
      return { status: a.status, keys: Object.keys(body).sort(), state: body.status, subject: String(body.subject ?? "").replace(/acme-ppr-(direct|next)-\d+/, "CN") };
    };
    const run = Date.now();
    const [direct, viaNext] = [await submit(directPort, `acme-ppr-direct-${run}`), await submit(nextPort, `acme-ppr-next-${run}`)];
    expect(direct.status, direct.body.toString()).toBe(201);
    expect(shape(direct)).toEqual(shape(viaNext));
    // Rejected again (through each path), so no other spec finds two more open requests.
    for (const [port, answer] of [[directPort, direct], [nextPort, viaNext]] as const) {
      const id = JSON.parse(answer.body.toString()).id as string;
      const rejected = await send(port, "POST", `/api/v1/certificate-requests/${id}/reject`, { authorization: `Bearer ${officer}`, "content-type": "application/json" }, JSON.stringify({ reason: "e2e: compared the two paths" }));
      expect(rejected.status, rejected.body.toString()).toBe(200);
    }
    // Next.js marks what it serves with its router-state Vary entries; the direct path never does.
    expect(direct.headers.vary ?? "").not.toMatch(/rsc/);
    const withCookie = await send(directPort, "GET", "/api/v1/me", { authorization: `Bearer ${partner}`, cookie: "theme=dark" });
    expect(withCookie.status).toBe(200);
    expect(withCookie.headers.vary).toMatch(/rsc/);
  });
});
