// GET /metrics (Prometheus text format). Never public: either on its own port
// (KEYPORT_METRICS_PORT, bound to KEYPORT_METRICS_HOST, default 127.0.0.1), or on the main port
// behind a bearer token (KEYPORT_METRICS_TOKEN). With neither set, /metrics does not exist.
import { timingSafeEqual, createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { metrics } from "@/lib/metrics/metrics";

export type MetricsSetup = { port: number | null; host: string; token: string | null; onMainPort: boolean };

export function metricsConfig(env: NodeJS.ProcessEnv = process.env): MetricsSetup {
  const rawPort = env.KEYPORT_METRICS_PORT?.trim();
  const port = rawPort ? Number(rawPort) : null;
  if (port !== null && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new Error(`KEYPORT_METRICS_PORT must be a port number; got "${rawPort}".`);
  const token = env.KEYPORT_METRICS_TOKEN?.trim() || null;
  if (token !== null && token.length < 16) throw new Error("KEYPORT_METRICS_TOKEN must be at least 16 characters.");
  return { port, host: env.KEYPORT_METRICS_HOST?.trim() || "127.0.0.1", token, onMainPort: port === null && token !== null };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

export async function serveMetrics(req: IncomingMessage, res: ServerResponse, setup: MetricsSetup): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(404, { "content-type": "text/plain" }).end("Only GET /metrics is served here.\n");
    return;
  }
  if (setup.token) {
    const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!timingSafeEqual(digest(given), digest(setup.token))) {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' }).end("Send KEYPORT_METRICS_TOKEN as a bearer token.\n");
      return;
    }
  }
  try {
    const { registry } = metrics();
    const body = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : body);
  } catch (e) {
    res.writeHead(500, { "content-type": "text/plain" }).end(`metrics could not be collected: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
