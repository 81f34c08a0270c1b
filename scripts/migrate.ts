// Offline migrations CLI (no native Prisma schema-engine binary needed); see lib/db/migrations.ts.
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  applyMigrations,
  createMigration,
  diffMigrationsAgainstSchema,
  migrationStatus,
  resolveHint,
} from "../lib/db/migrations";

const USAGE = `Usage: tsx scripts/migrate.ts <command>

Commands:
  deploy          Apply pending migrations from prisma/migrations        (npm run db:migrate)
  status          List applied / pending / failed migrations; exits 1    (npm run db:status)
                  unless the database is up to date
  create <name>   Write prisma/migrations/<timestamp>_<name>/migration.sql (npm run db:migration:create -- <name>)
                  with the SQL from the existing migrations to prisma/schema.prisma
  drift           Print the SQL by which prisma/schema.prisma differs from prisma/migrations;
                  exits 1 when there is any

Environment:
  DATABASE_URL         Database for deploy and status. When unset, the embedded PGlite database
                       (.data/) is started for the duration of the command.
  SHADOW_DATABASE_URL  PostgreSQL server for create and drift (default: DATABASE_URL's server).
                       They work in temporary databases (keyport_tmp_*, dropped afterwards), so the
                       server must allow CREATE DATABASE; the embedded PGlite cannot, so create and
                       drift need a real PostgreSQL server, e.g.
                       SHADOW_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
                       The database named in the URL itself is only used to create/drop them.

Exit status: 0 success, 1 failure (one line on stderr), 2 usage error.`;

class UsageError extends Error {}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (line: string) => console.log(line);
const seconds = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)}s`;

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return fn(process.env.DATABASE_URL);
  const { ensureDatabaseUrl } = await import("../lib/db/embedded");
  const db = await ensureDatabaseUrl();
  try {
    return await fn(db.url);
  } finally {
    await db.stop();
  }
}

function serverForTempDatabases(command: string): string {
  const url = process.env.SHADOW_DATABASE_URL || process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      `${command} needs a PostgreSQL server (the embedded PGlite cannot host temporary databases): set SHADOW_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres`,
    );
  }
  return url;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === "-h" || command === "--help" || command === "help") {
    console.log(USAGE);
    return 0;
  }
  const start = performance.now();
  switch (command) {
    case "deploy": {
      if (args.length) throw new UsageError(`deploy takes no arguments`);
      const { applied } = await withDatabase((url) => applyMigrations(url, { root, log }));
      console.log(
        applied.length
          ? `Applied ${applied.length} migration(s) in ${seconds(start)}: ${applied.join(", ")}`
          : `No pending migrations; the database is up to date (${seconds(start)}).`,
      );
      return 0;
    }
    case "status": {
      if (args.length) throw new UsageError(`status takes no arguments`);
      const s = await withDatabase((url) => migrationStatus(url, { root }));
      for (const name of s.applied) console.log(`  applied  ${name}${s.missing.includes(name) ? "  (not in prisma/migrations)" : ""}`);
      for (const name of s.failed) console.log(`  FAILED   ${name}`);
      for (const name of s.pending) console.log(`  pending  ${name}`);
      for (const name of s.modified) console.error(`warning: ${name} was modified after it was applied`);
      if (s.failed.length) {
        console.error(resolveHint(s.failed, "failed"));
        return 1;
      }
      if (s.pending.length) {
        console.error(`${s.pending.length} migration(s) pending: run \`npm run db:migrate\`.`);
        return 1;
      }
      console.log("The database is up to date.");
      return 0;
    }
    case "create": {
      if (args.length !== 1 || !args[0]?.trim()) throw new UsageError(`create takes exactly one <name>`);
      const url = serverForTempDatabases("create");
      const dir = await createMigration(args[0], { url, shadowUrl: process.env.SHADOW_DATABASE_URL || undefined, root });
      console.log(
        dir
          ? `Created ${path.relative(process.cwd(), path.join(dir, "migration.sql"))} (${seconds(start)}). Review it, then run \`npm run db:migrate\`.`
          : `prisma/schema.prisma matches prisma/migrations: no migration created (${seconds(start)}).`,
      );
      return 0;
    }
    case "drift": {
      if (args.length) throw new UsageError(`drift takes no arguments`);
      const url = serverForTempDatabases("drift");
      const sql = await diffMigrationsAgainstSchema({ url, shadowUrl: process.env.SHADOW_DATABASE_URL || undefined, root });
      if (!sql) {
        console.log(`No drift: prisma/migrations matches prisma/schema.prisma (${seconds(start)}).`);
        return 0;
      }
      console.log(sql.trimEnd());
      console.error("prisma/schema.prisma has changes without a migration: run `npm run db:migration:create -- <name>`.");
      return 1;
    }
    default:
      throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : "missing command");
  }
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`migrate: ${e.message}\n\n${USAGE}`);
    code = 2;
  } else {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`migrate ${process.argv[2]}: ${message.split("\n")[0]}`);
    code = 1;
  }
}
process.exit(code);
