// `npm run dev` and `npm run demo`: database (embedded unless DATABASE_URL is
// set) → migrations → (demo data) → Next.js. Ctrl-C stops Next.js, then the database.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_DATA_DIR, ensureDatabaseUrl } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrations";
import { disconnectDb } from "@/lib/db/client";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { seedDemo } from "@/lib/services/demo/seed-demo";
import { describeFailure, printDemo } from "@/lib/cli/run-cli";
import { ensureLocalMasterKey, loadMasterKey } from "@/lib/ca/master-key";

const mode = process.argv[2] === "demo" ? "demo" : "dev";
const dataDir = process.env.KEYPORT_DATA_DIR ?? DEFAULT_DATA_DIR;

/** A secret kept under .data/ so sessions survive restarts of the demo. */
function localSecret(name: string): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
    console.error(`Generated ${path.relative(process.cwd(), file)} (a local development secret; set the variable in production).`);
  }
  return fs.readFileSync(file, "utf8").trim();
}

async function main() {
  const port = process.env.PORT ?? "3000";
  process.env.NEXTAUTH_SECRET ??= localSecret("nextauth-secret");
  process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  process.env.NEXT_TELEMETRY_DISABLED = "1";

  const db = await ensureDatabaseUrl();
  if (db.embedded) {
    const mk = ensureLocalMasterKey(dataDir);
    if (mk?.created) {
      console.error(
        `Generated ${path.relative(process.cwd(), mk.file)}: the master key that encrypts this demo's CA private keys and keys its audit trail. Keep it with .data/; in production set KEYPORT_MASTER_KEY or KEYPORT_MASTER_KEY_FILE.`,
      );
    }
  }
  // Every audit event is sealed with a key derived from the master key (lib/ca/audit-seal.ts): without
  // one nothing can be recorded, not even a sign-in. With a server database, say so now, not at sign-in.
  loadMasterKey();
  console.error(db.embedded ? `Embedded PostgreSQL (PGlite) in ${dataDir} at ${db.url}` : "Using DATABASE_URL.");
  const { applied } = await applyMigrations(db.url);
  if (applied.length) console.error(`Applied migrations: ${applied.join(", ")}`);
  if (mode === "demo") {
    // The demo runs the mTLS connectivity test for its environments (see README).
    process.env.KEYPORT_CONNECTIVITY ??= "PPR:8443,PRD:8444";
    const result = await seedDemo(CLI_ACTOR);
    printDemo(result, { out: (s) => console.log(s), err: (s) => console.error(s) });
  }
  await disconnectDb();

  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  const child = spawn(process.execPath, [nextBin, "dev", "--port", port, "--hostname", process.env.HOST ?? "localhost"], {
    stdio: "inherit",
    env: process.env,
  });
  console.error(`Keyport: http://localhost:${port}  (Ctrl-C to stop)`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    await db.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  child.on("exit", (code) => void stop(code ?? 0));
}

main().catch((e) => {
  console.error(`keyport: ${describeFailure(e)}`);
  process.exit(1);
});
