// The /api/v1 rate limits on the run's real database (PostgreSQL, or the embedded PGlite when
// TEST_DATABASE_URL is unset): two instances share one count, concurrent calls never overshoot,
// withApi answers 429 with Retry-After before the handler runs, and an unreachable store fails
// closed for failed authentications and open for authenticated calls.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { NextResponse } from "next/server";
import type pg from "pg";
import { disconnectDb, getDb } from "@/lib/db/client";
import { ApiRateLimits, RateLimitedError, closeApiRateLimits, createRateLimitPool, rateLimitConfig } from "@/lib/api/rate-limit";
import { withApi } from "@/lib/api/handler";
import { peerHeaderValue } from "@/lib/auth/client-ip";
import { makeEnvironment, makeUser, uniq, type TestUser } from "@/lib/testing/world";
import * as me from "@/app/api/v1/me/route";
import * as envCa from "@/app/api/v1/environments/[code]/ca/route";

const pools: pg.Pool[] = [];
const pool = () => {
  const p = createRateLimitPool();
  pools.push(p);
  return p;
};
const config = (c: Partial<ReturnType<typeof rateLimitConfig>>) => ({ tokenPerMinute: 0, ipPerMinute: 0, failedAuthPerMinute: 0, ...c });

/** The outcome of a count: "ok", or the 429's Retry-After. */
async function outcome(p: Promise<void>): Promise<"ok" | number> {
  try {
    await p;
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(RateLimitedError);
    return (e as RateLimitedError).retryAfterS;
  }
}

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await closeApiRateLimits();
  await disconnectDb();
});

describe("rate limits in PostgreSQL", () => {
  it("counts calls on two instances together: the limit holds across them", async () => {
    const a = new ApiRateLimits(pool(), config({ tokenPerMinute: 4 }));
    const b = new ApiRateLimits(pool(), config({ tokenPerMinute: 4 }));
    const token = `token-${uniq()}`;
    const results = [];
    for (const instance of [a, b, a, b, a, b]) results.push(await outcome(instance.countAuthenticatedCall(token, "192.0.2.1")));
    expect(results.slice(0, 4)).toEqual(["ok", "ok", "ok", "ok"]);
    for (const r of results.slice(4)) {
      expect(typeof r).toBe("number");
      expect(r).toBeGreaterThanOrEqual(1);
      expect(r).toBeLessThanOrEqual(60);
    }
    // Another token has its own budget.
    expect(await outcome(b.countAuthenticatedCall(`token-${uniq()}`, "192.0.2.1"))).toBe("ok");
    const row = await getDb().rateLimit.findUnique({ where: { key: `api-token:${token}` } });
    expect(row?.points).toBeGreaterThanOrEqual(5);
  });

  it("lets exactly the limit through when calls race on both instances", async () => {
    const a = new ApiRateLimits(pool(), config({ tokenPerMinute: 10 }));
    const b = new ApiRateLimits(pool(), config({ tokenPerMinute: 10 }));
    const token = `race-${uniq()}`;
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => outcome((i % 2 ? a : b).countAuthenticatedCall(token, null))));
    expect(results.filter((r) => r === "ok")).toHaveLength(10);
  });

  it("counts a busy token in leases: far fewer upserts than calls, and never more than the limit across instances", async () => {
    // Each instance's store sees only its own upserts: count them.
    const counted = () => {
      const p = pool();
      const q = p.query.bind(p) as (...a: unknown[]) => unknown;
      const counter = { n: 0 };
      (p as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
        counter.n++;
        return q(...a);
      };
      return { p, counter };
    };
    const [one, two] = [counted(), counted()];
    const a = new ApiRateLimits(one.p, config({ tokenPerMinute: 1000 }));
    const b = new ApiRateLimits(two.p, config({ tokenPerMinute: 1000 }));
    const token = `lease-${uniq()}`;
    const results: ("ok" | number)[] = [];
    // 1,200 calls, 8 at a time, alternating instances: 200 more than the limit.
    for (let i = 0; i < 150; i++) results.push(...(await Promise.all(Array.from({ length: 8 }, (_, j) => outcome((j % 2 ? a : b).countAuthenticatedCall(token, null))))));
    const passed = results.filter((r) => r === "ok").length;
    expect(passed).toBeLessThanOrEqual(1000);
    expect(passed).toBeGreaterThanOrEqual(970); // at most a lease (1% of the limit) per instance, and the last lease's rest, go unused
    expect(one.counter.n + two.counter.n).toBeLessThan(300);
    const row = await getDb().rateLimit.findUnique({ where: { key: `api-token:${token}` } });
    expect(row?.points).toBeGreaterThanOrEqual(passed);
  });

  it("limits an address across tokens, and failed authentications per address", async () => {
    const limits = new ApiRateLimits(pool(), config({ tokenPerMinute: 100, ipPerMinute: 3, failedAuthPerMinute: 2 }));
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const byIp = [];
    for (let i = 0; i < 4; i++) byIp.push(await outcome(limits.countAuthenticatedCall(`t${i}-${uniq()}`, ip)));
    expect(byIp.slice(0, 3)).toEqual(["ok", "ok", "ok"]);
    expect(typeof byIp[3]).toBe("number");

    const failures = [];
    for (let i = 0; i < 3; i++) failures.push(await outcome(limits.countFailedAuthentication(ip)));
    expect(failures.slice(0, 2)).toEqual(["ok", "ok"]);
    expect(typeof failures[2]).toBe("number");
    // The two counts are apart: another address is untouched.
    expect(await outcome(limits.countFailedAuthentication("198.51.100.0"))).toBe("ok");
  });

  it("fails closed for failed authentications and open for authenticated calls when the store is unreachable", async () => {
    const dead = createRateLimitPool("postgres://postgres@127.0.0.1:1/none");
    pools.push(dead);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const limits = new ApiRateLimits(dead, config({ tokenPerMinute: 1, ipPerMinute: 1, failedAuthPerMinute: 1 }));
      const closed = await limits.countFailedAuthentication("192.0.2.9").then(
        () => null,
        (e) => e,
      );
      expect(closed).toBeInstanceOf(RateLimitedError);
      expect(closed.status).toBe(429);
      expect(closed.message).toMatch(/could not be checked/);
      for (let i = 0; i < 3; i++) await expect(limits.countAuthenticatedCall("t", "192.0.2.9")).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalled();
      expect(String(warn.mock.calls[0][0])).toMatch(/rate-limit store unreachable/);
    } finally {
      warn.mockRestore();
    }
  });

  it("reads its limits from the environment and refuses a value that is not a count", () => {
    expect(rateLimitConfig({})).toEqual({ tokenPerMinute: 600, ipPerMinute: 1200, failedAuthPerMinute: 60 });
    expect(rateLimitConfig({ KEYPORT_API_RATE_LIMIT_TOKEN: "5", KEYPORT_API_RATE_LIMIT_IP: " 0 ", KEYPORT_API_RATE_LIMIT_FAILED_AUTH: "7" })).toEqual({
      tokenPerMinute: 5,
      ipPerMinute: 0,
      failedAuthPerMinute: 7,
    });
    for (const bad of ["-1", "1.5", "ten", "1e3"]) expect(() => rateLimitConfig({ KEYPORT_API_RATE_LIMIT_IP: bad })).toThrow(/KEYPORT_API_RATE_LIMIT_IP/);
  });
});

describe("withApi and the rate limits", () => {
  const saved = { ...process.env };
  let user: TestUser;
  beforeAll(async () => {
    user = await makeUser("officer");
  });
  afterEach(async () => {
    for (const name of ["KEYPORT_API_RATE_LIMIT_TOKEN", "KEYPORT_API_RATE_LIMIT_IP", "KEYPORT_API_RATE_LIMIT_FAILED_AUTH", "NEXTAUTH_URL"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await closeApiRateLimits(); // the next call reads the environment again
  });

  const request = (headers: Record<string, string>) => new Request("http://localhost:3000/api/v1/me", { headers });
  const ctx = { params: Promise.resolve({}) };

  it("answers 429 with Retry-After and the API's error body past the token's limit, before the handler runs", async () => {
    process.env.KEYPORT_API_RATE_LIMIT_TOKEN = "3";
    await closeApiRateLimits();
    let ran = 0;
    const probe = withApi("me:read", async () => {
      ran++;
      return NextResponse.json({ ok: true });
    });
    const headers = { authorization: `Bearer ${user.token}`, "x-keyport-peer": peerHeaderValue("203.0.113.10") };
    for (let i = 0; i < 3; i++) expect((await probe(request(headers), ctx)).status).toBe(200);
    const res = await probe(request(headers), ctx);
    expect(res.status).toBe(429);
    expect(ran).toBe(3);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers.get("retry-after")}`).toBe(true);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toMatch(/this API token: the limit is 3 per minute\. Retry after \d+ s\./);
    // A real route gives the same answer for the same token.
    expect((await me.GET(request(headers), ctx)).status).toBe(429);
  });

  it("answers 429 instead of 401 past the failed-authentication limit of an address; other addresses still get 401", async () => {
    process.env.KEYPORT_API_RATE_LIMIT_FAILED_AUTH = "2";
    await closeApiRateLimits();
    const ip = `203.0.113.${Math.floor(Math.random() * 200) + 20}`;
    const bad = { authorization: `Bearer kp_${"A".repeat(43)}`, "x-keyport-peer": peerHeaderValue(ip) };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await me.GET(request(bad), ctx)).status);
    expect(statuses).toEqual([401, 401, 429]);
    const res = await me.GET(request({ "x-keyport-peer": peerHeaderValue(ip) }), ctx);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await me.GET(request({ "x-keyport-peer": peerHeaderValue("203.0.113.1") }), ctx)).status).toBe(401);
    // A valid token from the same address is counted on its own limits, not refused.
    expect((await me.GET(request({ authorization: `Bearer ${user.token}`, "x-keyport-peer": peerHeaderValue(ip) }), ctx)).status).toBe(200);
  });

  it("marks every answer no-store, and adds HSTS when NEXTAUTH_URL is https", async () => {
    const ok = await me.GET(request({ authorization: `Bearer ${user.token}` }), ctx);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.headers.get("strict-transport-security")).toBeNull();
    process.env.NEXTAUTH_URL = "https://keyport.example";
    const secure = await me.GET(request({ authorization: `Bearer ${user.token}` }), ctx);
    expect(secure.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    const refused = await me.GET(request({}), ctx);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    expect(refused.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
  });

  it("keeps a public answer cacheable, but not when the request carried a token", async () => {
    const env = await makeEnvironment();
    const get = (headers: Record<string, string>) =>
      envCa.GET(new Request(`http://localhost:3000/api/v1/environments/${env.code}/ca?format=pem`, { headers }), { params: Promise.resolve({ code: env.code }) });
    const anonymous = await get({});
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("cache-control")).toBe("public, max-age=300");
    const withToken = await get({ authorization: `Bearer ${user.token}` });
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get("cache-control")).toBe("no-store");
  });
});
