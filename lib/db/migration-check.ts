// Are this build's migrations all applied? A cheap check for start-up and /api/health/ready:
// the folder names under prisma/migrations against the finished rows of _prisma_migrations
// (the schema engine is not loaded for it).
import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/lib/db/client";

let known: string[] | null = null;

function migrationNames(root = process.cwd()): string[] {
  known ??= fs
    .readdirSync(path.join(root, "prisma", "migrations"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return known;
}

/** The migrations of this build not (successfully) applied to the database. */
export async function pendingMigrations(): Promise<string[]> {
  const names = migrationNames();
  const rows = await getDb()
    .$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`
    .catch((e: unknown) => {
      // No table yet: nothing is applied.
      if (String((e as { message?: unknown })?.message ?? e).includes("_prisma_migrations")) return [];
      throw e;
    });
  const applied = new Set(rows.map((r) => r.migration_name));
  return names.filter((n) => !applied.has(n));
}
