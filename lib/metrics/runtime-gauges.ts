// Gauges read at scrape time: the database pool, the job queues, certificates about to expire.
// The database counts are cached for a short while so that a tight scrape interval costs little.
import { dbPool, getDb } from "@/lib/db/client";
import { registerGauge } from "@/lib/metrics/metrics";
import type { JobEngine } from "@/lib/jobs/engine";
import { JOBS } from "@/lib/jobs/definitions";

const CACHE_MS = 30_000;

function cached<T>(load: () => Promise<T>): () => Promise<T> {
  let at = 0;
  let value: Promise<T> | null = null;
  return () => {
    if (!value || Date.now() - at > CACHE_MS) {
      at = Date.now();
      value = load().catch((e) => {
        value = null;
        throw e;
      });
    }
    return value;
  };
}

const expiring = cached(async () =>
  getDb().$queryRaw<{ environment: string; count: bigint }[]>`
    SELECT e.code AS environment, count(c.id) AS count
    FROM environments e LEFT JOIN certificates c
      ON c.env_id = e.id AND c.revoked_at IS NULL AND c.not_after > now() AND c.not_after <= now() + interval '30 days'
    GROUP BY e.code`,
);

export function registerRuntimeGauges(jobs: JobEngine | null) {
  registerGauge("keyport_db_pool_connections", "Connections of this process's database pool, by state", ["state"], (set) => {
    const pool = dbPool();
    set({ state: "total" }, pool?.totalCount ?? 0);
    set({ state: "idle" }, pool?.idleCount ?? 0);
    set({ state: "waiting" }, pool?.waitingCount ?? 0);
  });
  registerGauge("keyport_certificates_expiring_30d", "Valid certificates whose notAfter is within 30 days, per environment", ["environment"], async (set) => {
    for (const row of await expiring()) set({ environment: row.environment }, Number(row.count));
  });
  if (jobs) {
    const depth = cached(async () => Promise.all(JOBS.map(async (j) => [j.name, await jobs.boss.getQueueSize(j.name)] as const)));
    registerGauge("keyport_job_queue_depth", "Jobs waiting to run (created or retry), per queue", ["queue"], async (set) => {
      for (const [queue, n] of await depth()) set({ queue }, n);
    });
  }
}
