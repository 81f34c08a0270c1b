// What the job engine does and did (admins: /admin/jobs, `keyport jobs list`): each job's schedule,
// next run, recent runs with their outcome, and failures in the last 24 hours. Read from pg-boss's
// own tables (schema pgboss); before the engine has ever started they do not exist, and every job
// shows as never run.
import parser from "cron-parser";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { JOBS } from "@/lib/jobs/definitions";

export type JobRun = { id: string; state: string; createdAt: Date; startedAt: Date | null; completedAt: Date | null; retryCount: number; error: string | null };
export type JobSummary = { name: string; description: string; cron: string | null; nextRun: Date | null; retryLimit: number; runs: JobRun[]; failures24h: number; waiting: number };

type Row = { id: string; name: string; state: string; created_on: Date; started_on: Date | null; completed_on: Date | null; retry_count: number; output: unknown };

function errorOf(row: Row): string | null {
  if (row.state !== "failed" && row.state !== "retry") return null;
  const out = row.output as { message?: unknown; value?: { message?: unknown } } | null;
  const message = out?.message ?? out?.value?.message;
  return typeof message === "string" ? message.slice(0, 300) : "failed";
}

export async function listJobs(actor: Actor, opts: { now?: Date; runs?: number } = {}): Promise<JobSummary[]> {
  authorize(actor, "job:read");
  const now = opts.now ?? new Date();
  const perJob = opts.runs ?? 5;
  const db = getDb();
  const names = JOBS.map((j) => j.name);
  const exists = await db.$queryRaw<{ ok: boolean }[]>`SELECT to_regclass('pgboss.job') IS NOT NULL AS ok`;
  let rows: Row[] = [];
  let failures: { name: string; n: bigint }[] = [];
  let waiting: { name: string; n: bigint }[] = [];
  if (exists[0]?.ok) {
    // The newest runs per job, from the live table and the archive (completed runs move there).
    rows = await db.$queryRaw<Row[]>`
      SELECT * FROM (
        SELECT id::text, name, state::text, created_on, started_on, completed_on, retry_count, output,
               row_number() OVER (PARTITION BY name ORDER BY created_on DESC) AS n
        FROM (SELECT id, name, state, created_on, started_on, completed_on, retry_count, output FROM pgboss.job WHERE name = ANY(${names})
              UNION ALL
              SELECT id, name, state, created_on, started_on, completed_on, retry_count, output FROM pgboss.archive WHERE name = ANY(${names})) runs
      ) ranked WHERE n <= ${perJob} ORDER BY name, created_on DESC`;
    failures = await db.$queryRaw`
      SELECT name, count(*) AS n FROM (SELECT name, state, completed_on FROM pgboss.job UNION ALL SELECT name, state, completed_on FROM pgboss.archive) runs
      WHERE name = ANY(${names}) AND state = 'failed' AND completed_on > ${new Date(now.getTime() - 86_400_000)} GROUP BY name`;
    waiting = await db.$queryRaw`SELECT name, count(*) AS n FROM pgboss.job WHERE name = ANY(${names}) AND state IN ('created', 'retry') GROUP BY name`;
  }
  return JOBS.map((job) => ({
    name: job.name,
    description: job.description,
    cron: job.cron ?? null,
    nextRun: job.cron ? parser.parseExpression(job.cron, { currentDate: now, tz: "UTC" }).next().toDate() : null,
    retryLimit: job.retryLimit,
    runs: rows
      .filter((r) => r.name === job.name)
      .map((r) => ({ id: r.id, state: r.state, createdAt: r.created_on, startedAt: r.started_on, completedAt: r.completed_on, retryCount: r.retry_count, error: errorOf(r) })),
    failures24h: Number(failures.find((f) => f.name === job.name)?.n ?? 0),
    waiting: Number(waiting.find((w) => w.name === job.name)?.n ?? 0),
  }));
}
