// Vitest global setup: one fresh, migrated database for the service tests of this run.
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { applyMigrations } from "@/lib/db/migrations";

let db: TestDatabase | undefined;

export async function setup() {
  db = await createTestDatabase();
  await applyMigrations(db.url);
  process.env.DATABASE_URL = db.url;
}

export async function teardown() {
  await db?.drop();
}
