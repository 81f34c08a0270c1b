import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { statementName } from "./statement-names";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { keyportDb?: PrismaClient; keyportPool?: pg.Pool };

function createClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set. Start Keyport with `npm run dev` or `npm run demo`, or set DATABASE_URL.");
  }
  // Our own pool, handed to the adapter, so that its use can be measured (lib/metrics).
  // One connection on the embedded PGlite (lib/db/embedded.ts markEmbedded: its socket server mixes up concurrent connections).
  const max = process.env.KEYPORT_DB_EMBEDDED === "1" ? 1 : Number(process.env.KEYPORT_DB_POOL ?? 10);
  const pool = new pg.Pool({ connectionString, max });
  pool.on("error", () => {}); // an idle client's error (server restart) is reported by the next query
  globalForDb.keyportPool = pool;
  // Prepared statements by name (lib/db/statement-names.ts), except on the embedded PGlite.
  const named = process.env.KEYPORT_DB_EMBEDDED === "1" ? undefined : { statementNameGenerator: statementName as (query: { sql: string }) => string };
  return new PrismaClient({ adapter: new PrismaPg(pool, named) });
}

/** The app's connection pool, when it has been created (for metrics: total, idle and waiting). */
export function dbPool(): pg.Pool | undefined {
  return globalForDb.keyportPool;
}

/** The Prisma client singleton (one per process; survives Next.js hot reloads). */
export function getDb(): PrismaClient {
  if (!globalForDb.keyportDb) globalForDb.keyportDb = createClient();
  return globalForDb.keyportDb;
}

/** The client when one is open (never opens one): for background work that must not outlive it. */
export function openDb(): PrismaClient | undefined {
  return globalForDb.keyportDb;
}

export async function disconnectDb(): Promise<void> {
  if (globalForDb.keyportDb) {
    await globalForDb.keyportDb.$disconnect();
    globalForDb.keyportDb = undefined;
    const pool = globalForDb.keyportPool;
    globalForDb.keyportPool = undefined;
    await pool?.end().catch(() => {});
  }
}
