// A job-engine instance in its own process, for lib/jobs/engine.test.ts: two of these on one
// database are two Keyport instances as far as pg-boss is concerned.
//   tsx lib/jobs/engine-child.test-helper.ts <instance> <hang|quick>
import pg from "pg";
import { startJobEngine } from "@/lib/jobs/engine";
import type { JobDefinition } from "@/lib/jobs/definitions";

const [instance, mode] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
const note = (what: string, created: Date | null = null) => pool.query("INSERT INTO job_test_runs (what, instance, created) VALUES ($1, $2, $3)", [what, instance, created]);

const jobs: JobDefinition[] = [
  { name: "test-tick", description: "every minute", cron: "* * * * *", retryLimit: 0, retryDelay: 1, expireInSeconds: 30, run: ({ job }) => note("tick", job.createdOn) },
  {
    name: "test-slow",
    description: "hangs on the instance told to hang (it is then killed)",
    retryLimit: 3,
    retryDelay: 1,
    expireInSeconds: 2,
    run: async () => {
      await note("slow-started");
      if (mode === "hang") await new Promise((r) => setTimeout(r, 600_000));
      await note("slow-done");
    },
  },
];

const engine = await startJobEngine({ connectionString: process.env.DATABASE_URL!, jobs, maintenanceIntervalSeconds: 1, pollingIntervalSeconds: 1, cronMonitorIntervalSeconds: 1 });
process.stdout.write("READY\n");
process.on("SIGTERM", () => {
  void engine.stop(2000).then(() => pool.end()).then(() => process.exit(0));
});
