import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { keyportDb?: PrismaClient };

function createClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set. Start Keyport with `npm run dev` or `npm run demo`, or set DATABASE_URL.");
  }
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.KEYPORT_DB_POOL ?? 10) });
  return new PrismaClient({ adapter });
}

/** The Prisma client singleton (one per process; survives Next.js hot reloads). */
export function getDb(): PrismaClient {
  if (!globalForDb.keyportDb) globalForDb.keyportDb = createClient();
  return globalForDb.keyportDb;
}

export async function disconnectDb(): Promise<void> {
  if (globalForDb.keyportDb) {
    await globalForDb.keyportDb.$disconnect();
    globalForDb.keyportDb = undefined;
  }
}
