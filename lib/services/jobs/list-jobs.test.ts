// /admin/jobs and `keyport jobs list` read what the engine really did (issue 16).
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { encodeCursor } from "@/lib/db/keyset";
import { startJobEngine } from "@/lib/jobs/engine";
import { listJobRunsPage, listJobs } from "@/lib/services/jobs/list-jobs";
import { refused } from "@/lib/testing/refused";
import { runCli } from "@/lib/cli/run-cli";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { makeEnvironment, makeUser } from "@/lib/testing/world";

afterAll(disconnectDb);

describe("jobs list", () => {
  it("shows each job's schedule and next run, then a run the engine completed; only admins may look", async () => {
    const before = await listJobs(CLI_ACTOR, { now: new Date("2026-12-02T10:07:30Z") });
    const crl = before.find((j) => j.name === "crl-renewal")!;
    expect(crl).toMatchObject({ cron: "* * * * *", nextRun: new Date("2026-12-02T10:08:00Z") });

    await makeEnvironment(); // a CA whose CRL the run can renew
    const engine = await startJobEngine({ connectionString: process.env.DATABASE_URL!, schedule: false, pollingIntervalSeconds: 1 });
    try {
      await engine.boss.send("crl-renewal", {});
      for (let i = 0; i < 60; i++) {
        const runs = (await listJobs(CLI_ACTOR)).find((j) => j.name === "crl-renewal")!.runs;
        if (runs.some((r) => r.state === "completed")) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await engine.stop(2000);
    }
    const after = (await listJobs(CLI_ACTOR)).find((j) => j.name === "crl-renewal")!;
    expect(after.runs[0]).toMatchObject({ state: "completed", retryCount: 0, error: null });

    const out: string[] = [];
    expect(await runCli(["jobs", "list"], { out: (s) => out.push(s), err: () => {} }, { migrate: async () => [] })).toBe(0);
    expect(out.find((l) => l.startsWith("crl-renewal"))).toMatch(/^crl-renewal +\* \* \* \* \* .* last completed /);

    for (const role of ["officer", "gateway"] as const) {
      await expect(listJobs((await makeUser(role)).actor)).rejects.toMatchObject({ code: "forbidden" });
    }
    const admin = await makeUser("admin");
    expect((await listJobs(admin.actor)).map((j) => j.name)).toEqual(["crl-renewal", "audit-seal", "listener-certificate-renewal", "audit-checkpoint", "notification-dispatch", "notification-delivery", "expiry-reminders"]);
  }, 60_000);
});

describe("one job's runs, a page at a time", () => {
  const job = "expiry-reminders";
  // Runs in both tables, several in one millisecond (pg-boss keeps microseconds) and two in the
  // same microsecond (the id breaks the tie), so page ends fall inside them.
  async function seedRuns(): Promise<string[]> {
    const engine = await startJobEngine({ connectionString: process.env.DATABASE_URL!, schedule: false, work: false });
    await engine.stop(1000);
    const db = getDb();
    await db.$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = $1`, job);
    await db.$executeRawUnsafe(`DELETE FROM pgboss.archive WHERE name = $1`, job);
    const times = (base: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(base) + i * 60_000).toISOString().replace("Z", ""));
    const live = [...times("2026-12-03T10:00:00Z", 6), "2026-12-03 09:00:00.123100", "2026-12-03 09:00:00.123400", "2026-12-03 09:00:00.123400"];
    const archived = [...times("2026-12-01T10:00:00Z", 20), "2026-12-03 09:00:00.123200", "2026-12-03 09:00:00.123700", "2026-12-03 09:00:00.123400"];
    await db.$executeRawUnsafe(`INSERT INTO pgboss.job (name, state, created_on) SELECT $1, 'created', t::timestamp AT TIME ZONE 'UTC' FROM unnest($2::text[]) t`, job, live);
    await db.$executeRawUnsafe(
      `INSERT INTO pgboss.archive (id, name, priority, state, retry_limit, retry_count, retry_delay, retry_backoff, start_after, expire_in, created_on, keep_until, completed_on)
       SELECT gen_random_uuid(), $1, 0, 'completed', 2, 0, 0, false, now(), '15 minutes', t::timestamp AT TIME ZONE 'UTC', now(), now() FROM unnest($2::text[]) t`,
      job,
      archived,
    );
    const all = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text AS id FROM (SELECT id, created_on FROM pgboss.job WHERE name = $1 UNION ALL SELECT id, created_on FROM pgboss.archive WHERE name = $1) r ORDER BY created_on DESC, id DESC`,
      job,
    );
    return all.map((r) => r.id);
  }

  it("shows each job's newest runs, and pages one job's runs forward and back with no duplicates or gaps; a bad cursor is refused", async () => {
    const newest = await seedRuns();
    expect(newest).toHaveLength(32);
    for (const runs of [5, 3]) expect((await listJobs(CLI_ACTOR, { runs })).find((j) => j.name === job)!.runs.map((r) => r.id)).toEqual(newest.slice(0, runs));

    for (const limit of [1, 4, 7, 50]) {
      const pages: string[][] = [];
      let page = await listJobRunsPage(CLI_ACTOR, { job, limit });
      expect(page.prevCursor).toBeNull();
      pages.push(page.runs.map((r) => r.id));
      while (page.nextCursor) {
        page = await listJobRunsPage(CLI_ACTOR, { job, limit, cursor: page.nextCursor });
        expect(page.prevCursor).not.toBeNull();
        pages.push(page.runs.map((r) => r.id));
      }
      expect(pages.flat(), `limit ${limit}`).toEqual(newest);
      // Back from the last page with prevCursor: the same pages, in reverse.
      const back: string[][] = [pages[pages.length - 1]];
      while (page.prevCursor) {
        page = await listJobRunsPage(CLI_ACTOR, { job, limit, before: page.prevCursor });
        expect(page.nextCursor).not.toBeNull();
        back.unshift(page.runs.map((r) => r.id));
      }
      expect(back, `limit ${limit}`).toEqual(pages);
    }

    const forged = [
      "not-a-cursor",
      encodeCursor("server-chains", ["date"], [new Date()], newest[0]),
      encodeCursor("job-runs", ["string"], ["yesterday'); DROP TABLE x; --"], newest[0]),
      encodeCursor("job-runs", ["string"], ["2026-13-45T99:00:00.000000Z"], newest[0]),
    ];
    for (const cursor of forged) {
      const e = await refused(listJobRunsPage(CLI_ACTOR, { job, cursor }), "validation_failed");
      expect(e.fields).toHaveProperty("cursor");
      expect(e.message).toMatch(/^cursor is not one this list returned/);
    }
    expect((await refused(listJobRunsPage(CLI_ACTOR, { job, before: forged[0] }), "validation_failed")).fields).toHaveProperty("before");
    await refused(listJobRunsPage(CLI_ACTOR, { job: "no-such-job" }), "not_found");
    await refused(listJobRunsPage((await makeUser("officer")).actor, { job }), "forbidden");
  }, 60_000);
});
