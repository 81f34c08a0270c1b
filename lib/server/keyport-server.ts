// One Keyport server process (Next.js's custom-server API): it owns the HTTP listener, the mTLS
// connectivity listeners and the job workers, and stops them in order.
//
// Per request, before Next.js sees it: the socket's peer address is stamped (lib/auth/client-ip.ts:
// X-Forwarded-For counts only from KEYPORT_TRUSTED_PROXIES), a request id is assigned (returned as
// X-Request-Id, carried into log lines, audit rows and error references), latency is measured for
// /metrics, and a server-action body over its limit is cut off as it arrives. GET /api/health is
// answered here, not by Next.js (lib/server/health.ts), still timed and logged like any request, and so
// are /api/v1 calls and CRL, CA and JWKS fetches that carry no cookie (lib/server/api-direct.ts).
//
// Shutdown (SIGTERM/SIGINT): stop accepting; requests in flight finish (up to `graceMs`, then
// their connections are closed); job runs in flight get the same time, then are handed back for
// retry; the listeners and the database pool close; the process exits 0.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import { stampPeerAddress, trustedProxies, clientIpFrom } from "@/lib/auth/client-ip";
import { REQUEST_ID_HEADER, REQUEST_ID_PATTERN, newRequestId, runWithRequest } from "@/lib/log/request-context";
import { log } from "@/lib/log/logger";
import { metrics, routeTemplate } from "@/lib/metrics/metrics";
import { registerRuntimeGauges } from "@/lib/metrics/runtime-gauges";
import { serveMetrics, metricsConfig } from "@/lib/server/metrics-endpoint";
import { disconnectDb, getDb } from "@/lib/db/client";
import { createDatabaseCheck, isHealthRequest, nextConfigHeadersFor, serveHealth, HEALTH_PATH } from "@/lib/server/health";
import { startJobEngine, type JobEngine } from "@/lib/jobs/engine";
import type { ConfiguredListeners } from "@/lib/connectivity/listener";
import { rateLimitConfig } from "@/lib/api/rate-limit";
import { PAGE_BODY_LIMIT, bodyTooLargeMessage } from "@/lib/http/body-limit";
import { strictTransportSecurity } from "@/lib/http/security-headers";
import { createDirectApi, hasBadPercentEncoding, refuseBadPercentEncoding } from "@/lib/server/api-direct";

export type KeyportServerOptions = {
  dev?: boolean;
  port: number;
  host?: string;
  /** Run job workers and the cron monitor in this process (KEYPORT_JOBS=off turns them off). */
  jobs?: boolean;
  /** Start the listeners named by KEYPORT_CONNECTIVITY. */
  connectivity?: boolean;
  /** How long in-flight requests and jobs may take to finish at shutdown. */
  graceMs?: number;
};

export type KeyportServer = { url: string; port: number; stop: (reason?: string) => Promise<void> };

const logger = () => log("server");
const access = () => log("http");
// JSON (production): every request at info. Readable (demo, dev): at debug, so the console shows
// start-up steps and problems, not every page load (KEYPORT_LOG_LEVEL=debug shows them).
const accessLevel: "info" | "debug" = process.env.KEYPORT_LOG_FORMAT === "pretty" || (process.env.NODE_ENV !== "production" && process.env.KEYPORT_LOG_FORMAT !== "json") ? "debug" : "info";

function assignRequestId(req: IncomingMessage): string {
  // A request id from a trusted proxy joins our logs to its own; anyone else's is replaced.
  const given = req.headers[REQUEST_ID_HEADER];
  const fromProxy = typeof given === "string" && REQUEST_ID_PATTERN.test(given) && trustedProxies().length > 0 && isFromTrustedProxy(req);
  const id = fromProxy ? (given as string) : newRequestId();
  req.headers[REQUEST_ID_HEADER] = id;
  return id;
}

function isFromTrustedProxy(req: IncomingMessage): boolean {
  // clientIpFrom walks past trusted proxies: when it stops somewhere other than the peer, the peer was one.
  const peer = req.socket.remoteAddress ?? "";
  const client = clientIpFrom((n) => {
    const v = req.headers[n];
    return Array.isArray(v) ? v.join(",") : v;
  });
  return client !== null && client !== peer.replace(/^::ffff:/, "");
}

/**
 * A declared body above the page limit (server actions and the page areas' route handlers; /api
 * reads its own bodies within its own limits) is refused before any of it is read — proxy.ts refuses
 * it too, but only once all of it has arrived. True when this answered the request.
 */
function guardPageBody(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === "GET" || req.method === "HEAD" || (req.url ?? "/").startsWith("/api/")) return false;
  const refuse = () => {
    if (!res.headersSent) {
      res.writeHead(413, { "content-type": "text/plain", connection: "close", "cache-control": "no-store" });
      res.end(bodyTooLargeMessage());
    }
  };
  const declared = req.headers["content-length"];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > PAGE_BODY_LIMIT) {
    refuse();
    req.resume(); // drain what is already on its way; the connection closes after the answer
    return true;
  }
  // A chunked body is counted by proxy.ts as it streams (reading it here would take it from Next.js).
  return false;
}

export async function startKeyportServer(opts: KeyportServerOptions): Promise<KeyportServer> {
  const host = opts.host ?? "localhost";
  const graceMs = opts.graceMs ?? Number(process.env.KEYPORT_SHUTDOWN_GRACE_MS ?? 10_000);
  // Configuration errors stop the start with their message, before anything listens.
  trustedProxies();
  rateLimitConfig();
  const metricsSetup = metricsConfig();

  const app = next({ dev: opts.dev ?? false, dir: process.cwd(), hostname: host, port: opts.port, quiet: true });
  const handle = app.getRequestHandler();
  await app.prepare();
  const healthHeaders = await nextConfigHeadersFor(HEALTH_PATH);
  const databaseCheck = createDatabaseCheck({ ping: () => getDb().$queryRaw`SELECT 1` });
  // /api/v1 calls and CRL, CA and JWKS fetches without a cookie are served in front of Next.js (lib/server/api-direct.ts);
  // KEYPORT_API_DIRECT=off sends them through Next.js's router as everything else.
  const direct = opts.dev || process.env.KEYPORT_API_DIRECT === "off" ? null : createDirectApi({ headersFor: (template) => nextConfigHeadersFor(template), hostname: host, port: opts.port });
  logger().info(opts.dev ? "Next.js ready (development: hot reload)" : "Next.js ready (production build)");

  let inFlight = 0;
  let draining: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    stampPeerAddress(req);
    const requestId = assignRequestId(req);
    res.setHeader("X-Request-Id", requestId);
    const url = req.url ?? "/";
    if (metricsSetup.onMainPort && (url === "/metrics" || url.startsWith("/metrics?"))) {
      void serveMetrics(req, res, metricsSetup);
      return;
    }
    if (guardPageBody(req, res)) return;
    inFlight++;
    const started = performance.now();
    // An answer sent before its request's body was read to the end (a 413, a refusal that needed no
    // body) ends the connection once it is out: the unread rest would otherwise be taken for the next
    // request on it — a keep-alive connection from a proxy would hang for whoever used it next.
    res.once("finish", () => {
      if (!req.complete) res.socket?.end();
    });
    res.once("close", () => {
      inFlight--;
      const route = routeTemplate(url.split("?")[0]);
      const seconds = (performance.now() - started) / 1000;
      metrics().httpDuration.observe({ method: req.method ?? "GET", route, status: String(res.statusCode) }, seconds);
      // One access line per request (no query string: it can hold a callback URL or a filter someone typed).
      const line = { requestId, method: req.method, path: url.split("?")[0].slice(0, 200), status: res.statusCode, ms: Math.round(seconds * 1000) };
      if (res.statusCode >= 500) access().error(line, "request");
      else access()[accessLevel](line, "request");
      if (inFlight === 0) draining?.();
    });
    runWithRequest({ requestId }, () => {
      if (hasBadPercentEncoding(url)) {
        req.resume();
        refuseBadPercentEncoding(url, res, healthHeaders);
        return;
      }
      const served = isHealthRequest(url) ? serveHealth(req, res, databaseCheck, healthHeaders).then(() => true) : (direct?.serve(req, res) ?? false);
      const answer = served === false ? handle(req, res) : served.then((done) => (done ? undefined : handle(req, res)));
      answer.catch((e: unknown) => {
        logger().error({ err: e instanceof Error ? e.message : String(e) }, "request failed outside Next.js");
        if (!res.headersSent) {
          // With the headers every answer carries (next.config.mjs's, the strict API CSP, HSTS over https).
          for (const [name, value] of healthHeaders) res.setHeader(name, value);
          const hsts = strictTransportSecurity();
          if (hsts) res.setHeader("strict-transport-security", hsts);
          res.writeHead(500, { "content-type": "text/plain", "cache-control": "no-store" });
          res.end(`Something went wrong (ref ${requestId}).\n`);
        }
      });
    });
  });
  // Idle keep-alive connections stay open longer than a load balancer's (nginx 60 s, AWS ALB 60 s), so
  // the balancer never reuses a connection the server is closing (a 502 for a healthy instance).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000; // must exceed keepAliveTimeout
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  logger().info({ url }, `listening on ${url}`);

  const metricsServer = metricsSetup.port ? await listenMetrics(metricsSetup) : null;

  let listeners: ConfiguredListeners | null = null;
  if (opts.connectivity ?? true) {
    if (process.env.KEYPORT_CONNECTIVITY?.trim()) {
      const { startConfiguredListeners } = await import("@/lib/connectivity/listener");
      listeners = await startConfiguredListeners();
    }
  }

  let jobs: JobEngine | null = null;
  if ((opts.jobs ?? true) && process.env.KEYPORT_JOBS !== "off") {
    jobs = await startJobEngine({ connectionString: process.env.DATABASE_URL! });
    logger().info("job engine started (pg-boss)");
  }
  registerRuntimeGauges(jobs);

  let stopping: Promise<void> | null = null;
  const stop = (reason = "stop") =>
    (stopping ??= (async () => {
      logger().info({ reason, inFlight }, "shutting down");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => (draining = resolve)), new Promise((r) => setTimeout(r, graceMs).unref())]);
      }
      server.closeAllConnections();
      await closed;
      await Promise.all([jobs?.stop(graceMs), listeners?.close(), new Promise<void>((r) => (metricsServer ? metricsServer.close(() => r()) : r()))]);
      await disconnectDb();
      logger().info("stopped");
      logger().flush();
    })());
  return { url, port, stop };
}

async function listenMetrics(setup: ReturnType<typeof metricsConfig>): Promise<http.Server> {
  const s = http.createServer((req, res) => void serveMetrics(req, res, setup));
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(setup.port ?? 0, setup.host, () => resolve());
  });
  logger().info({ port: setup.port, host: setup.host }, `metrics on http://${setup.host}:${setup.port}/metrics`);
  return s;
}
