// GET /api/health as the Keyport server answers it (lib/server/health.ts): one shared database
// ping for concurrent probes, a bounded answer when the database is down or hangs, and the
// headers every API answer carries.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { getDb } from "@/lib/db/client";
import { API_CONTENT_SECURITY_POLICY } from "@/lib/http/security-headers";
import { createDatabaseCheck, HEALTH_PATH, isHealthRequest, nextConfigHeadersFor, serveHealth, type DatabasePing } from "./health";

async function listen(check: () => Promise<DatabasePing>) {
  const headers = await nextConfigHeadersFor(HEALTH_PATH);
  const server = http.createServer((req, res) => void serveHealth(req, res, check, headers));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A pg pool on `url` and a ping through it that counts its calls. */
function countedPing(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
  pool.on("error", () => {});
  const counter = { pings: 0 };
  const ping = async () => {
    counter.pings++;
    await pool.query("SELECT 1");
  };
  return { ping, counter, end: () => pool.end() };
}

describe("createDatabaseCheck", () => {
  it("shares one in-flight ping among concurrent callers and reuses its result for maxAgeMs", async () => {
    let clock = 0;
    let pings = 0;
    const check = createDatabaseCheck({ ping: async () => void pings++, maxAgeMs: 1000, now: () => clock });
    const results = await Promise.all(Array.from({ length: 100 }, () => check()));
    expect(pings).toBe(1);
    expect(results.every((r) => r.ok)).toBe(true);
    clock += 999;
    await check();
    expect(pings).toBe(1);
    clock += 2;
    await check();
    expect(pings).toBe(2);
  });

  it("a failed ping is unreachable, and the next one after maxAgeMs can recover", async () => {
    let clock = 0;
    let up = false;
    const check = createDatabaseCheck({ ping: async () => (up ? undefined : Promise.reject(new Error("down"))), now: () => clock });
    expect(await check()).toEqual({ ok: false });
    up = true;
    expect(await check()).toEqual({ ok: false }); // the cached answer
    clock += 1001;
    expect((await check()).ok).toBe(true);
  });

  it("a ping that never answers is unreachable after timeoutMs", async () => {
    const check = createDatabaseCheck({ ping: () => new Promise(() => {}), timeoutMs: 200 });
    const t = performance.now();
    expect(await check()).toEqual({ ok: false });
    expect(performance.now() - t).toBeLessThan(1000);
  });
});

describe("GET /api/health over HTTP", () => {
  const db = countedPing(process.env.DATABASE_URL!);
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await listen(createDatabaseCheck({ ping: db.ping }));
  });
  afterAll(async () => {
    await server.close();
    await db.end();
  });

  it("100 concurrent probes cost at most a couple of database pings", async () => {
    const before = db.counter.pings;
    const answers = await Promise.all(Array.from({ length: 100 }, () => fetch(`${server.base}${HEALTH_PATH}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    const body = await answers[0].json();
    expect(body).toMatchObject({ status: "ok", database: { status: "ok" } });
    expect(typeof body.database.latencyMs).toBe("number");
    expect(db.counter.pings - before).toBeLessThanOrEqual(2);
  });

  it("carries the API's security headers and no-store", async () => {
    const res = await fetch(`${server.base}${HEALTH_PATH}`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("permissions-policy")).toContain("camera=()");
    expect(res.headers.get("content-security-policy")).toBe(API_CONTENT_SECURITY_POLICY);
  });

  it("HEAD has no body, OPTIONS says what is allowed, other methods are 405 in the API's error shape", async () => {
    const head = await fetch(`${server.base}${HEALTH_PATH}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const options = await fetch(`${server.base}${HEALTH_PATH}`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const post = await fetch(`${server.base}${HEALTH_PATH}`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect((await post.json()).error.code).toBe("method_not_allowed");
  });

  it("the prisma client's SELECT 1 is a working ping (the one the server uses)", async () => {
    const check = createDatabaseCheck({ ping: () => getDb().$queryRaw`SELECT 1` });
    expect((await check()).ok).toBe(true);
  });
});

describe("GET /api/health with the database down", () => {
  it("refused connections: 503 with the degraded body, quickly", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r())); // nothing listens there now
    const db = countedPing(`postgres://postgres@127.0.0.1:${port}/postgres`);
    const server = await listen(createDatabaseCheck({ ping: db.ping }));
    try {
      const t = performance.now();
      const res = await fetch(`${server.base}${HEALTH_PATH}`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "degraded", database: { status: "unreachable" } });
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(performance.now() - t).toBeLessThan(2000);
    } finally {
      await server.close();
      await db.end();
    }
  });

  it("a database that accepts and never answers: 503 within the timeout", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const db = countedPing(`postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/postgres`);
    const server = await listen(createDatabaseCheck({ ping: db.ping, timeoutMs: 500 }));
    try {
      const t = performance.now();
      const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.base}${HEALTH_PATH}`)));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(503));
      expect(performance.now() - t).toBeLessThan(2000);
      expect(db.counter.pings).toBe(1);
    } finally {
      await server.close();
      for (const s of sockets) s.destroy();
      silent.close();
      await db.end().catch(() => {});
    }
  });
});

it("isHealthRequest: the path with or without a query string, nothing under it", () => {
  expect([HEALTH_PATH, `${HEALTH_PATH}?probe=1`, `${HEALTH_PATH}/live`, `${HEALTH_PATH}/ready`, "/api/healthz", "/api/healthCheck"].map(isHealthRequest)).toEqual([true, true, false, false, false, false]);
});
