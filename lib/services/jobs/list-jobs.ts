// What the job engine does and did (admins: /admin/jobs, `keyport jobs list`): each job's schedule,
// next run, recent runs with their outcome, and failures in the last 24 hours. Read from pg-boss's
// own tables (schema pgboss); before the engine has ever started they do not exist, and every job
// shows as never run.
//
// Reads that stay flat (issue 21): no read ranks every run. pg-boss 10 has no index on
// (name, created_on): pgboss.job is partitioned by name (one table per queue) with indexes on
// (name, id) and for fetching waiting jobs only; pgboss.archive has (name, id) and (archived_on).
// Its schema is created by pg-boss itself when the engine first starts, after Keyport's migrations
// have run, so a Keyport migration cannot add one (and pg-boss's own migrations rebuild these
// tables). The best order available is created_on within one job name, newest N kept by a top-N
// sort (a few kB of memory): the live read touches that queue's partition only; the archive read
// takes that name's rows by its (name, id) key, or scans the archive where one name is most of it
// (EXPLAIN at 22,000 runs: ~7 ms a job). Its cost is bounded by pg-boss's retention (live runs
// are archived after 12 h, archived ones deleted after 7 days), not by the whole history.
import parser from "cron-parser";
import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { decodeCursor, encodeCursor, pageParams, refused } from "@/lib/db/keyset";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { JOBS } from "@/lib/jobs/definitions";

export type JobRun = { id: string; state: string; createdAt: Date; startedAt: Date | null; completedAt: Date | null; retryCount: number; error: string | null };
export type JobSummary = { name: string; description: string; cron: string | null; nextRun: Date | null; retryLimit: number; runs: JobRun[]; failures24h: number; waiting: number };

type Row = { id: string; name: string; state: string; created_on: Date; created_key: string; started_on: Date | null; completed_on: Date | null; retry_count: number; output: unknown };

// The columns a run is shown with. created_key is created_on to the microsecond (pg-boss's
// timestamptz; a JS Date keeps milliseconds, and a cursor rounded to them would skip the runs
// created later in the same millisecond).
const runColumns = Prisma.sql`t.id::text AS id, t.name, t.state::text AS state, t.created_on, to_char(t.created_on AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key, t.started_on, t.completed_on, t.retry_count, t.output`;

const pgbossExists = async () => (await getDb().$queryRaw<{ ok: boolean }[]>`SELECT to_regclass('pgboss.job') IS NOT NULL AS ok`)[0]?.ok === true;

const runOf = (r: Row): JobRun => ({ id: r.id, state: r.state, createdAt: r.created_on, startedAt: r.started_on, completedAt: r.completed_on, retryCount: r.retry_count, error: errorOf(r) });

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
  let rows: Row[] = [];
  let failures: { name: string; n: bigint }[] = [];
  let waiting: { name: string; n: bigint }[] = [];
  if (await pgbossExists()) {
    // The newest runs of each job: its newest N from the live table and from the archive
    // (completed runs move there), of which the newest N (see the note at the top on the order).
    rows = await db.$queryRaw<Row[]>`
      SELECT r.* FROM unnest(${names}::text[]) AS jobs(job)
      CROSS JOIN LATERAL (
        SELECT * FROM (
          (SELECT ${runColumns} FROM pgboss.job t WHERE t.name = jobs.job ORDER BY t.created_on DESC, t.id DESC LIMIT ${perJob})
          UNION ALL
          (SELECT ${runColumns} FROM pgboss.archive t WHERE t.name = jobs.job ORDER BY t.created_on DESC, t.id DESC LIMIT ${perJob})
        ) runs ORDER BY created_on DESC, id::uuid DESC LIMIT ${perJob}
      ) r`;
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
    runs: rows.filter((r) => r.name === job.name).map(runOf),
    failures24h: Number(failures.find((f) => f.name === job.name)?.n ?? 0),
    waiting: Number(waiting.find((w) => w.name === job.name)?.n ?? 0),
  }));
}

const RUNS = "job-runs";
const KEY: ["string"] = ["string"];
const MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const runsInput = z.object({ job: z.string({ message: "job is the name of a job." }).trim().min(1, "job is the name of a job."), ...pageParams({ defaultLimit: 50, maxLimit: 200 }) });

/** Where a cursor of the runs list stands: (created_on to the microsecond, id); anything else is the 422 naming the parameter. */
function runPosition(cursor: string, param: "cursor" | "before") {
  const c = decodeCursor(RUNS, KEY, cursor, param);
  const key = c.values[0] as string;
  // The check in a cursor is not a secret: a well-formed cursor can still carry a bad time.
  if (!MICROS.test(key) || Number.isNaN(Date.parse(key))) {
    throw refused(param);
  }
  return { key, id: c.id };
}

/**
 * One job's runs, newest first, one keyset page at a time over (created_on, id): the live table's
 * and the archive's runs of that name after the cursor, each read in that order and merged. A page
 * reached with `before` is read oldest first from there and turned round.
 */
export async function listJobRunsPage(actor: Actor, input: { job?: unknown; limit?: unknown; cursor?: string; before?: string }) {
  authorize(actor, "job:read");
  const f = parseInput(runsInput, input);
  const job = JOBS.find((j) => j.name === f.job);
  if (!job) throw new AppError("not_found", `No job named "${f.job}".`);
  const back = !f.cursor && !!f.before;
  const at = f.cursor ? runPosition(f.cursor, "cursor") : f.before ? runPosition(f.before, "before") : null;
  const take = f.limit + 1;
  let rows: Row[] = [];
  if (await pgbossExists()) {
    const dir = Prisma.raw(back ? "ASC" : "DESC");
    const past = at ? (back ? Prisma.sql`AND (t.created_on, t.id) > (${at.key}::timestamptz, ${at.id}::uuid)` : Prisma.sql`AND (t.created_on, t.id) < (${at.key}::timestamptz, ${at.id}::uuid)`) : Prisma.empty;
    rows = await getDb().$queryRaw<Row[]>`
      SELECT * FROM (
        (SELECT ${runColumns} FROM pgboss.job t WHERE t.name = ${job.name} ${past} ORDER BY t.created_on ${dir}, t.id ${dir} LIMIT ${take})
        UNION ALL
        (SELECT ${runColumns} FROM pgboss.archive t WHERE t.name = ${job.name} ${past} ORDER BY t.created_on ${dir}, t.id ${dir} LIMIT ${take})
      ) runs ORDER BY created_on ${dir}, id::uuid ${dir} LIMIT ${take}`;
  }
  const more = rows.length > f.limit;
  const page = rows.slice(0, f.limit);
  if (back) page.reverse();
  const cursorOf = (r: Row | undefined) => (r ? encodeCursor(RUNS, KEY, [r.created_key], r.id) : null);
  return {
    job: { name: job.name, description: job.description, retryLimit: job.retryLimit },
    runs: page.map(runOf),
    nextCursor: back || more ? cursorOf(page[page.length - 1]) : null,
    prevCursor: (back ? more : !!f.cursor) ? cursorOf(page[0]) : null,
  };
}
