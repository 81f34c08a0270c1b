// The start-up sequence shared by `npm start` (server.ts), `npm run demo` and `npm run dev`:
// database (embedded when DATABASE_URL is unset) → master key → migrations → (demo data) →
// (production build, when missing or stale) → the Keyport server. One log line per step; the
// demo accounts' block comes last. SIGTERM/SIGINT stop everything in order and exit 0.
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
import { log, logger } from "@/lib/log/logger";
import { pendingMigrations } from "@/lib/db/migration-check";
import { ensureProductionBuild } from "@/lib/server/production-build";
import { startKeyportServer } from "@/lib/server/keyport-server";

export type LaunchMode = "start" | "demo" | "dev";

const say = () => log("start");

/** A secret kept under .data/ so sessions survive restarts of the demo (never used with DATABASE_URL). */
function localSecret(dataDir: string, name: string): string {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
    say().info(`generated ${path.relative(process.cwd(), file)} (a local secret for this embedded database; set NEXTAUTH_SECRET in production)`);
  }
  return fs.readFileSync(file, "utf8").trim();
}

function parsePortArgs(argv: string[]) {
  const get = (name: string) => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    return argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
  };
  return { port: get("port") ?? get("p"), host: get("hostname") ?? get("host") ?? get("H") };
}

export async function launch(mode: LaunchMode, argv: string[] = []): Promise<void> {
  const args = parsePortArgs(argv);
  const port = Number(args.port ?? process.env.PORT ?? 3000);
  const host = args.host ?? process.env.HOST ?? "localhost";
  const dataDir = process.env.KEYPORT_DATA_DIR ?? DEFAULT_DATA_DIR;
  process.env.NEXT_TELEMETRY_DISABLED = "1";

  const db = await ensureDatabaseUrl();
  let server: Awaited<ReturnType<typeof startKeyportServer>> | null = null;
  let stopping = false;
  const stop = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code || 1), Number(process.env.KEYPORT_SHUTDOWN_GRACE_MS ?? 10_000) + 5_000);
    force.unref();
    try {
      await server?.stop(reason);
      await disconnectDb();
      await db.stop();
    } finally {
      logger().flush();
      process.exit(code);
    }
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  if (db.embedded) {
    process.env.NEXTAUTH_SECRET ??= localSecret(dataDir, "nextauth-secret");
    const mk = ensureLocalMasterKey(dataDir);
    if (mk?.created) say().info(`generated ${path.relative(process.cwd(), mk.file)}: the master key of this embedded database's CA keys and audit trail (keep it with ${path.relative(process.cwd(), dataDir) || dataDir}/)`);
    say().info(`database: embedded PostgreSQL (PGlite) in ${path.relative(process.cwd(), dataDir) || dataDir}`);
  } else {
    say().info("database: DATABASE_URL");
  }
  process.env.NEXTAUTH_URL ??= `http://${host === "0.0.0.0" || host === "::" ? "localhost" : host}:${port}`;
  // No master key: nothing can be audited or signed. Stop here, with the reason, rather than at the first sign-in.
  loadMasterKey();

  if (db.embedded || mode !== "start") {
    const { applied } = await applyMigrations(db.url);
    say().info(applied.length ? `migrations: applied ${applied.length} (${applied.join(", ")})` : "migrations: up to date");
  } else {
    const pending = await pendingMigrations();
    if (pending.length) say().warn(`migrations: ${pending.length} pending (${pending.join(", ")}); run \`npm run db:migrate\` — /api/health/ready answers 503 until then`);
    else say().info("migrations: up to date");
  }

  let demo: Awaited<ReturnType<typeof seedDemo>> | null = null;
  if (mode === "demo") {
    process.env.KEYPORT_CONNECTIVITY ??= "PPR:8443,PRD:8444";
    demo = await seedDemo(CLI_ACTOR);
    say().info("demo data: ready");
  }
  if (mode === "demo") await ensureProductionBuild((line) => say().info(line));

  server = await startKeyportServer({ dev: mode === "dev", port, host });
  if (demo) {
    logger().flush();
    const lines: string[] = [];
    printDemo(demo, { out: (s) => lines.push(s), err: (s) => lines.push(s) });
    process.stdout.write(`\n${"─".repeat(72)}\nKeyport demo: ${process.env.NEXTAUTH_URL}   (Ctrl-C stops it)\n${lines.join("\n")}\n${"─".repeat(72)}\n`);
  }
}

/** Entry point helper: run `launch`, and on a start-up failure print one line and exit 1. */
export function main(mode: LaunchMode, argv: string[]) {
  launch(mode, argv).catch((e: unknown) => {
    say().error(`keyport: ${describeFailure(e)}`);
    logger().flush();
    process.exit(1);
  });
}
