// The job engine: pg-boss on Keyport's own PostgreSQL (schema "pgboss", created and migrated by
// pg-boss itself at start). Scheduling is pg-boss's: every instance runs the cron monitor, and
// pg-boss's singleton per queue and minute makes each tick produce one job; workers fetch with
// SKIP LOCKED, so each job runs on one instance. A run that fails is retried with exponential
// backoff (retryLimit, retryDelay); a run whose instance died stays "active" until
// expireInSeconds, then pg-boss's maintenance puts it back for another instance.
//
// Stopping (SIGTERM): no new fetches; runs in progress get `graceful` time to finish, and any
// still running after that are failed so that they are retried elsewhere.
import PgBoss from "pg-boss";
import pg from "pg";
import { log } from "@/lib/log/logger";
import { metrics } from "@/lib/metrics/metrics";
import { JOBS, type JobContext, type JobDefinition } from "@/lib/jobs/definitions";

export type JobEngine = { boss: PgBoss; stop: (graceMs?: number) => Promise<void> };

export type JobEngineOptions = {
  connectionString: string;
  jobs?: readonly JobDefinition[];
  /** Run the cron monitor on this instance (default true). */
  schedule?: boolean;
  /** Fetch and run jobs on this instance (default true). */
  work?: boolean;
  /** Seconds between pg-boss maintenance runs (expired runs are retried then). Default 60. */
  maintenanceIntervalSeconds?: number;
  /** Seconds between worker polls. Default 5. */
  pollingIntervalSeconds?: number;
  /** Seconds between cron checks. Default 30. */
  cronMonitorIntervalSeconds?: number;
};

const logger = () => log("jobs");

async function withSetupLock(connectionString: string, work: () => Promise<void>) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('keyport:jobs:setup'))");
    await work();
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('keyport:jobs:setup'))").catch(() => {});
    await client.end().catch(() => {});
  }
}

async function ensureQueue(boss: PgBoss, job: JobDefinition) {
  const options = { name: job.name, policy: "standard" as const, retryLimit: job.retryLimit, retryDelay: job.retryDelay, retryBackoff: true, expireInSeconds: job.expireInSeconds };
  if (await boss.getQueue(job.name)) {
    await boss.updateQueue(job.name, options);
    return;
  }
  try {
    await boss.createQueue(job.name, options);
  } catch (e) {
    // Another instance created it between our look and our insert.
    if (!(await boss.getQueue(job.name))) throw e;
  }
}

/** Run one job's handler with its log lines and metrics. Exported for tests. */
export async function runJob(job: JobDefinition, ctx: JobContext) {
  const id = ctx.job.id;
  const started = performance.now();
  try {
    const result = await job.run(ctx);
    metrics().jobDuration.observe({ job: job.name, outcome: "ok" }, (performance.now() - started) / 1000);
    logger().info({ job: job.name, jobId: id, ms: Math.round(performance.now() - started) }, `job ${job.name} done`);
    return result ?? null;
  } catch (e) {
    metrics().jobDuration.observe({ job: job.name, outcome: "failed" }, (performance.now() - started) / 1000);
    metrics().jobFailures.inc({ job: job.name });
    logger().error({ job: job.name, jobId: id, err: e instanceof Error ? { name: e.name, message: e.message } : String(e) }, `job ${job.name} failed (it is retried)`);
    throw e;
  }
}

export async function startJobEngine(opts: JobEngineOptions): Promise<JobEngine> {
  const jobs = opts.jobs ?? JOBS;
  const boss = new PgBoss({
    connectionString: opts.connectionString,
    // One connection on the embedded PGlite (lib/db/embedded.ts: its socket server mixes up concurrent connections).
    max: process.env.KEYPORT_DB_EMBEDDED === "1" ? 1 : 3,
    schema: "pgboss",
    schedule: opts.schedule ?? true,
    supervise: true,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 60,
    cronMonitorIntervalSeconds: opts.cronMonitorIntervalSeconds ?? 30,
  });
  boss.on("error", (e: unknown) => logger().warn({ err: e instanceof Error ? e.message : String(e) }, "job engine: database error (pg-boss retries)"));
  await boss.start();
  // Queues and schedules are set up by one instance at a time: pg-boss creates a table per queue,
  // and two instances doing so at once deadlock each other.
  await withSetupLock(opts.connectionString, async () => {
    for (const job of jobs) {
      await ensureQueue(boss, job);
      if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
      else await boss.unschedule(job.name).catch(() => {});
    }
  });
  for (const job of jobs) {
    if (opts.work ?? true) {
      await boss.work(job.name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 5 }, async ([j]) =>
        runJob(job, { boss, job: { id: j.id, data: j.data, retryCount: j.retryCount, retryLimit: j.retryLimit, createdOn: j.createdOn } }),
      );
    }
  }
  return {
    boss,
    stop: async (graceMs = 10_000) => {
      await boss.stop({ graceful: true, wait: true, timeout: graceMs, close: true });
    },
  };
}
