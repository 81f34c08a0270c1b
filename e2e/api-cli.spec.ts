import { expect, test } from "@playwright/test";
import pg from "pg";
import { keyport } from "./support/helpers";
import { e2eDatabaseUrl } from "./support/env";

test("[anyone] GET /api/health reports the database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: "ok", database: { status: "ok" } });
});

test("[anyone] /api/v1 refuses missing, malformed and unknown tokens with the error shape", async ({ request }) => {
  for (const [headers, message] of [
    [{}, /Bearer/],
    [{ authorization: "Bearer nonsense" }, /Malformed/],
    [{ authorization: `Bearer kp_${"x".repeat(43)}` }, /Invalid/],
  ] as const) {
    const res = await request.get("/api/v1/me", { headers });
    expect(res.status()).toBe(401);
    const body = await res.json();
    expect(body.error.code).toBe("unauthenticated");
    expect(body.error.message).toMatch(message);
  }
  const unknown = await request.get("/api/v1/nope");
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe("not_found");
});

test("[admin CLI] creates a token that authenticates; usage errors exit 2, failures exit 1, nothing half-written", async ({ request }) => {
  const created = keyport(["token", "create", "--user", "officer1@keyport.test", "--name", "cli-e2e"]);
  expect(created.code, created.stderr).toBe(0);
  const token = created.stdout.trim();
  expect(token).toMatch(/^kp_[A-Za-z0-9_-]{43}$/);
  const me = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
  expect(await me.json()).toMatchObject({ role: "officer", user: { email: "officer1@keyport.test" }, organisation: null });

  const usage = keyport(["org", "create", "--code", "gamma"]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain("Missing --name");
  expect(usage.stderr).toContain("Usage: npm run keyport");

  const dup = keyport(["org", "create", "--code", "acme", "--name", "Again AS", "--email", "x@y.test"]);
  expect(dup.code).toBe(1);
  expect(dup.stderr.trim()).toBe('keyport org create: An organisation with code "acme" already exists.');

  const badEnv = keyport(["env", "create", "--code", "X1", "--name", "Bad", "--approvals", "many"]);
  expect(badEnv.code).toBe(1);
  expect(badEnv.stderr).toContain("approvalsRequired");

  const revoked = keyport(["token", "revoke", "--token", token]);
  expect(revoked.code, revoked.stderr).toBe(0);
  expect((await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);
  expect(keyport(["token", "revoke", "--token", token]).code).toBe(1);
});

test("[gateway] CA and CRL downloads with a token are in the audit trail; anonymous fetches are served and not recorded", async ({ request }) => {
  const created = keyport(["token", "create", "--user", "gateway@keyport.test", "--name", "ca-crl-e2e"]);
  expect(created.code, created.stderr).toBe(0);
  const headers = { authorization: `Bearer ${created.stdout.trim()}` };
  const db = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await db.connect();
  const count = async () =>
    Number((await db.query("SELECT count(*) FROM audit_events WHERE action IN ('ca.download', 'crl.download') AND actor_email = 'gateway@keyport.test'")).rows[0].count);
  try {
    const before = await count();
    for (const path of ["/crl/PPR.crl", "/crl/PPR-root.crl", "/ca/PPR-root.cer", "/api/v1/environments/PPR/ca?format=p7b"]) {
      const anonymous = await request.get(path);
      expect(anonymous.status(), path).toBe(200);
      expect((await request.get(path, { headers })).status(), path).toBe(200);
    }
    expect(await count()).toBe(before + 4);
    const { rows } = await db.query("SELECT action, details FROM audit_events WHERE actor_email = 'gateway@keyport.test' AND action = 'crl.download' ORDER BY at DESC LIMIT 1");
    expect(rows[0].details).toMatchObject({ environment: "PPR", file: "PPR-root.crl" });
    // A wrong token is refused even where no token is needed.
    expect((await request.get("/crl/PPR.crl", { headers: { authorization: `Bearer kp_${"x".repeat(43)}` } })).status()).toBe(401);
    expect((await request.get("/crl/PPR.crl")).headers()["cache-control"]).toBe("no-cache");
  } finally {
    await db.end();
  }
});
