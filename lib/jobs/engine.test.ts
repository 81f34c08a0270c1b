// The job engine across instances (issue 16), on real PostgreSQL: two processes running pg-boss on
// one database run a scheduled job once per tick, and a run whose process is killed is retried by
// the other.
import { type ChildProcess, spawn } from "node:child_process";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const children: ChildProcess[] = [];
let db: pg.Client;

function startInstance(name: string, mode: "hang" | "quick"): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "lib/jobs/engine-child.test-helper.ts", name, mode], { env: process.env, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("READY") && resolve(child));
    child.once("exit", (code) => reject(new Error(`instance ${name} exited (${code}) before it was ready`)));
  });
}

async function rows(what: string) {
  return (await db.query<{ instance: string; at: Date; created: Date | null }>("SELECT instance, at, created FROM job_test_runs WHERE what = $1 ORDER BY at", [what])).rows;
}

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopAll() {
  await Promise.all(
    children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGTERM");
    })),
  );
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  await db.query("CREATE TABLE IF NOT EXISTS job_test_runs (what text NOT NULL, instance text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp(), created timestamptz)");
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await db.query("DROP TABLE IF EXISTS job_test_runs");
  await db.end();
});

describe("job engine on two instances", () => {
  // Each test starts its own instances: none may take the next test's jobs, even after a failure.
  afterEach(stopAll, 30_000);

  it("runs a scheduled job once per tick, not once per instance", async () => {
    await Promise.all([startInstance("a", "quick"), startInstance("b", "quick")]);
    const [first] = await waitFor(async () => {
      const r = await rows("tick");
      return r.length ? r : null;
    }, 75_000, "the first tick");
    // Both instances keep checking every second; the tick must not run twice. Ticks are told apart
    // by the minute their job was created in (a late run of the previous tick is not a second run).
    await new Promise((r) => setTimeout(r, 4_000));
    const ticks = await rows("tick");
    const minute = (t: { created: Date | null }) => Math.floor(t.created!.getTime() / 60_000);
    const sameTick = ticks.filter((t) => minute(t) === minute(first));
    expect(sameTick, `ticks: ${JSON.stringify(ticks)}`).toHaveLength(1);
    await stopAll();
  }, 100_000);

  it("retries a job whose instance was killed mid-run on another instance", async () => {
    const a = await startInstance("hanger", "hang");
    const boss = new (await import("pg-boss")).default({ connectionString: process.env.DATABASE_URL!, schema: "pgboss", supervise: false, schedule: false });
    await boss.start();
    const id = await boss.send("test-slow", {});
    await waitFor(async () => (await rows("slow-started")).some((r) => r.instance === "hanger"), 30_000, "the first attempt");
    a.kill("SIGKILL");
    await startInstance("rescuer", "quick");
    const done = await waitFor(async () => {
      const r = (await rows("slow-done")).filter((x) => x.instance === "rescuer");
      return r.length ? r : null;
    }, 30_000, "the retry").catch(async (e) => {
      const j = await boss.getJobById("test-slow", id!);
      throw new Error(`${(e as Error).message}: job ${JSON.stringify({ state: j?.state, retryCount: j?.retryCount, startAfter: j?.startAfter })}, runs ${JSON.stringify(await rows("slow-started"))}`);
    });
    expect(done).toHaveLength(1);
    const job = await waitFor(async () => {
      const j = await boss.getJobById("test-slow", id!);
      return j?.state === "completed" ? j : null;
    }, 15_000, "the job to complete");
    expect(job.retryCount).toBeGreaterThanOrEqual(1);
    // (The hung instance may itself have taken a retry before it was killed: pg-boss runs jobs at
    // least once, which is why every Keyport job is idempotent.)
    const starts = (await rows("slow-started")).map((r) => r.instance);
    expect(starts[0]).toBe("hanger");
    expect(starts.at(-1)).toBe("rescuer");
    await boss.stop({ graceful: false, wait: true });
  }, 90_000);
});
