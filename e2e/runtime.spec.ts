// One Keyport server (issue 16): request ids, metrics, health probes, and a graceful stop that
// lets a request in flight finish.
import type { ChildProcess } from "node:child_process";
import http from "node:http";
import pg from "pg";
import { expect, test } from "@playwright/test";
import { keyport } from "./support/helpers";
import { E2E_METRICS_TOKEN, e2eDatabaseUrl } from "./support/env";
import { startInstance } from "./support/instance";

const partnerToken = () => {
  const r = keyport(["token", "create", "--user", "partner@acme.test", "--name", `runtime-${Date.now()}`]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
};

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const db = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await db.connect();
  try {
    return (await db.query<T>(sql, params)).rows;
  } finally {
    await db.end();
  }
}

test("[anyone] every answer carries a request id; the audit row of a request carries the same id", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.headers()["x-request-id"]).toMatch(/^[0-9a-f]{16}$/);
  // A client cannot choose its request id (only a trusted proxy may).
  const forged = await request.get("/api/health", { headers: { "x-request-id": "forged-request-id-1" } });
  expect(forged.headers()["x-request-id"]).not.toBe("forged-request-id-1");

  const res = await request.get("/api/v1/environments/PPR/ca?format=pem", { headers: { authorization: `Bearer ${partnerToken()}` } });
  expect(res.status()).toBe(200);
  const id = res.headers()["x-request-id"];
  const rows = await query<{ action: string }>("SELECT action FROM audit_events WHERE request_id = $1", [id]);
  expect(rows.map((r) => r.action)).toEqual(["ca.download"]);
});

test("[anyone] liveness and readiness probes", async ({ request }) => {
  expect(await (await request.get("/api/health/live")).json()).toEqual({ status: "live" });
  const ready = await request.get("/api/health/ready");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({ status: "ready", database: { status: "ok" }, migrations: { status: "ok" }, masterKey: { status: "ok" } });
});

test("[gateway] /metrics needs its token and reports requests, issuance, jobs, the pool and expiring certificates", async ({ request }) => {
  expect((await request.get("/metrics")).status()).toBe(401);
  expect((await request.get("/metrics", { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status()).toBe(401);
  const res = await request.get("/metrics", { headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` } });
  expect(res.status()).toBe(200);
  const text = await res.text();
  for (const name of [
    "keyport_http_request_duration_seconds_bucket",
    "keyport_certificates_issued_total",
    "keyport_certificates_revoked_total",
    "keyport_job_duration_seconds",
    "keyport_job_queue_depth",
    "keyport_db_pool_connections",
    "keyport_certificates_expiring_30d",
    "keyport_process_cpu_seconds_total",
  ]) {
    expect(text, name).toContain(name);
  }
  expect(text).toMatch(/keyport_http_request_duration_seconds_count\{method="GET",route="\/api\/health",status="200"\} \d+/);
  expect(text).toMatch(/keyport_db_pool_connections\{state="total"\} \d+/);
});

test.describe("a second server on the same database", () => {
  let child: ChildProcess;
  const port = Number(process.env.KEYPORT_E2E_PORT) + 5;

  test.beforeAll(async () => {
    child = await startInstance(port, {}, "/api/health/ready");
  });

  test.afterAll(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });

  test("[partner] SIGTERM during a request: the request completes, then the server exits 0 within the bound", async () => {
    const token = partnerToken();
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once("exit", (code) => resolve({ code, at: Date.now() })));
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: "localhost", port, method: "POST", path: "/api/v1/certificate-requests", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      // The body arrives in two parts; the server is told to stop between them.
      req.write('{"environment": "PPR", ');
      setTimeout(() => {
        child.kill("SIGTERM");
        setTimeout(() => req.end('"csr": "not a CSR"}'), 700);
      }, 500);
    });
    const signalled = Date.now() + 500;
    const { status, body } = await answer;
    expect(status).toBe(422);
    expect(JSON.parse(body)).toMatchObject({ error: { code: "validation_failed" } });
    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(10_000);
    // Stopped: no longer accepting.
    await expect(fetch(`http://localhost:${port}/api/health/live`)).rejects.toThrow();
  });
});
