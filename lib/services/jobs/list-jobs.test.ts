// /admin/jobs and `keyport jobs list` read what the engine really did (issue 16).
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import { startJobEngine } from "@/lib/jobs/engine";
import { listJobs } from "@/lib/services/jobs/list-jobs";
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
