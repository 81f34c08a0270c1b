// GET /api/health for load balancers, answered by the Keyport server (lib/server/keyport-server.ts)
// before Next.js: a probe hit by every balancer and monitor every few seconds should cost a few
// microseconds, not a trip through Next.js's router and a database round trip each (issue 21:
// ~500 req/s through Next.js beside ~7,000 for a bare Node server).
//
// The database ping is coalesced: concurrent probes share one in-flight `SELECT 1`, and its result
// answers for up to `maxAgeMs` (1 s) after it settles. A ping that does not answer within
// `timeoutMs` counts as unreachable, so a hung database gives a 503 in bounded time rather than a
// probe that never answers.
//
// Same body as before: {status:"ok", database:{status:"ok", latencyMs}} or 503 with
// {status:"degraded", database:{status:"unreachable"}}; latencyMs is the shared ping's.
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { strictTransportSecurity } from "@/lib/http/security-headers";

export const HEALTH_PATH = "/api/health";

export type DatabasePing = { ok: true; latencyMs: number } | { ok: false };

export type HealthCheckOptions = {
  /** One round trip to the database (rejects when it is unreachable). */
  ping: () => Promise<unknown>;
  /** How long a settled ping's result answers for. */
  maxAgeMs?: number;
  /** A ping slower than this is "unreachable". */
  timeoutMs?: number;
  now?: () => number;
};

/** A coalescing database check: at most one ping in flight, its result reused for `maxAgeMs`. */
export function createDatabaseCheck({ ping, maxAgeMs = 1000, timeoutMs = 2000, now = () => performance.now() }: HealthCheckOptions): () => Promise<DatabasePing> {
  let inFlight: Promise<DatabasePing> | null = null;
  let last: { at: number; result: DatabasePing } | null = null;
  const run = async (): Promise<DatabasePing> => {
    const started = now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("database ping timed out")), timeoutMs);
          timer.unref();
        }),
      ]);
      return { ok: true, latencyMs: Math.round(now() - started) };
    } catch {
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  };
  return () => {
    if (last && now() - last.at < maxAgeMs) return Promise.resolve(last.result);
    inFlight ??= run().then((result) => {
      last = { at: now(), result };
      inFlight = null;
      return result;
    });
    return inFlight;
  };
}

export type StaticHeaders = [name: string, value: string][];

/**
 * The static headers next.config.mjs gives an /api answer (X-Content-Type-Options, X-Frame-Options,
 * Referrer-Policy, Permissions-Policy, the API's CSP): read from that file, so an answer served
 * here carries exactly what Next.js would have added. Sources are `/prefix/:path*` patterns.
 */
export async function nextConfigHeadersFor(pathname: string, dir = process.cwd()): Promise<StaticHeaders> {
  const config = ((await import(path.join(dir, "next.config.mjs"))) as { default: { headers?: () => Promise<{ source: string; headers: { key: string; value: string }[] }[]> } }).default;
  const rules = (await config.headers?.()) ?? [];
  const out = new Map<string, [string, string]>();
  for (const rule of rules) {
    const prefix = rule.source.replace(/\/:path\*$/, "");
    if (prefix === rule.source ? pathname !== rule.source : pathname !== prefix && !pathname.startsWith(`${prefix}/`)) continue;
    for (const h of rule.headers) out.set(h.key.toLowerCase(), [h.key, h.value]); // a later rule wins, as in Next.js
  }
  return [...out.values()];
}

/** True when this request is the health probe (any query string). */
export function isHealthRequest(url: string): boolean {
  return url === HEALTH_PATH || url.startsWith(`${HEALTH_PATH}?`);
}

const ALLOW = "GET, HEAD, OPTIONS";

/** Answer /api/health from the coalesced check: GET and HEAD; OPTIONS 204 and other methods 405 with Allow, as lib/api/handler.ts's apiRoute does. */
export async function serveHealth(req: IncomingMessage, res: ServerResponse, check: () => Promise<DatabasePing>, headers: StaticHeaders): Promise<void> {
  req.resume(); // a body nobody asked for is read and dropped, so the connection stays usable
  for (const [name, value] of headers) res.setHeader(name, value);
  res.setHeader("Cache-Control", "no-store");
  const hsts = strictTransportSecurity();
  if (hsts) res.setHeader("Strict-Transport-Security", hsts);
  const send = (status: number, body: unknown) => {
    const data = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) });
    res.end(req.method === "HEAD" ? undefined : data);
  };
  if (req.method === "OPTIONS") {
    res.writeHead(204, { Allow: ALLOW });
    res.end();
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", ALLOW);
    const method = String(req.method).replace(/[^\x21-\x7e]/g, "?").slice(0, 16);
    send(405, { error: { code: "method_not_allowed", message: `${method} is not supported on ${HEALTH_PATH}; use ${ALLOW}.` } });
    return;
  }
  const db = await check();
  if (db.ok) send(200, { status: "ok", database: { status: "ok", latencyMs: db.latencyMs } });
  else send(503, { status: "degraded", database: { status: "unreachable" } });
}
