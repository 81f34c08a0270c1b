// Prometheus metrics (prom-client), served by server.ts at /metrics (lib/server/metrics-endpoint.ts).
// One registry per process, on globalThis: Next.js bundles its own copy of this module beside
// server.ts's, and both must count into the same metrics.
import client from "prom-client";

type Metrics = {
  registry: client.Registry;
  httpDuration: client.Histogram<"method" | "route" | "status">;
  issued: client.Counter<"environment">;
  revoked: client.Counter<"environment">;
  jobDuration: client.Histogram<"job" | "outcome">;
  jobFailures: client.Counter<"job">;
};

const shared = globalThis as { __keyportMetrics?: Metrics };

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "keyport_" });
  return {
    registry,
    httpDuration: new client.Histogram({
      name: "keyport_http_request_duration_seconds",
      help: "HTTP request latency by route template, method and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    issued: new client.Counter({ name: "keyport_certificates_issued_total", help: "Certificates issued, per environment", labelNames: ["environment"], registers: [registry] }),
    revoked: new client.Counter({ name: "keyport_certificates_revoked_total", help: "Certificates revoked, per environment", labelNames: ["environment"], registers: [registry] }),
    jobDuration: new client.Histogram({
      name: "keyport_job_duration_seconds",
      help: "Background job run time by job and outcome",
      labelNames: ["job", "outcome"],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
    jobFailures: new client.Counter({ name: "keyport_job_failures_total", help: "Background job runs that failed (each retry counts)", labelNames: ["job"], registers: [registry] }),
  };
}

export function metrics(): Metrics {
  return (shared.__keyportMetrics ??= create());
}

/** A gauge whose value is read when Prometheus scrapes (database counts, pool use). */
export function registerGauge(name: string, help: string, labelNames: string[], collect: (set: (labels: Record<string, string>, value: number) => void) => Promise<void> | void) {
  const { registry } = metrics();
  if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  new client.Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await collect((labels, value) => this.set(labels, value));
    },
  });
}

/**
 * The route template for a path, so that latency is grouped by route and ids do not explode the
 * label set: UUIDs, numbers, hex serials and file names under known prefixes become ":id".
 */
export function routeTemplate(pathname: string): string {
  if (pathname.startsWith("/_next/")) return "/_next/*";
  return (
    pathname
      .split("/")
      .map((seg) => (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg) || /^\d+$/.test(seg) || /^[0-9A-F]{16,}$/i.test(seg) ? ":id" : seg))
      .join("/")
      .replace(/^\/(ca|crl)\/[^/]+$/, "/$1/:file")
      .slice(0, 120) || "/"
  );
}
