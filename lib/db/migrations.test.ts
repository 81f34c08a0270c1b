// Migrations vs schema.prisma, and the behaviour of applied migrations. Needs a real PostgreSQL
// server (temporary databases are created on it): TEST_DATABASE_URL, else the local server.
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { applyMigrations, diffMigrationsAgainstSchema, loadMigrationsList, migrationStatus } from "./migrations";

const SERVER = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

async function admin<T>(fn: (c: pg.Client) => Promise<T>, url = SERVER): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Run fn against a fresh keyport_test_<random> database, dropped afterwards. */
async function withFreshDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `keyport_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

/** A copy of prisma/ in a temporary project root, for tests that change the schema or migrations. */
async function withScratchRoot<T>(fn: (root: string) => Promise<T>): Promise<T> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-migrations-"));
  try {
    fs.cpSync(path.join(ROOT, "prisma"), path.join(root, "prisma"), { recursive: true });
    return await fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe("migrations", () => {
  it("prisma/migrations produce exactly prisma/schema.prisma (no drift)", async () => {
    const sql = await withFreshDatabase((url) => diffMigrationsAgainstSchema({ url, root: ROOT }));
    expect(
      sql,
      "prisma/schema.prisma differs from prisma/migrations: run `npm run db:migration:create -- <name>`",
    ).toBe("");
  });

  it("detects drift when the schema changes without a migration", async () => {
    const sql = await withScratchRoot(async (root) => {
      const schemaFile = path.join(root, "prisma", "schema.prisma");
      const schema = fs.readFileSync(schemaFile, "utf8");
      fs.writeFileSync(schemaFile, schema.replace(/(\n\s*name\s+String\n)/, "$1  nickname String?\n"));
      return withFreshDatabase((url) => diffMigrationsAgainstSchema({ url, root }));
    });
    expect(sql).toMatch(/ALTER TABLE "\w+" ADD COLUMN\s+"nickname" TEXT/);
  });

  it("applies every migration to a fresh database, then nothing on a second run", async () => {
    const all = (await loadMigrationsList(ROOT)).migrationDirectories.map((d) => d.path);
    expect(all.length).toBeGreaterThan(0);
    await withFreshDatabase(async (url) => {
      expect(await applyMigrations(url, { root: ROOT })).toEqual({ applied: all });
      expect(await applyMigrations(url, { root: ROOT })).toEqual({ applied: [] });
      const status = await migrationStatus(url, { root: ROOT });
      expect(status).toMatchObject({ applied: all, pending: [], failed: [], modified: [], upToDate: true });
      // Recorded the way `prisma migrate deploy` records them.
      const rows = await admin(
        (c) => c.query("SELECT migration_name, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations"),
        url,
      );
      expect(rows.rows).toHaveLength(all.length);
      for (const r of rows.rows) expect(r).toMatchObject({ rolled_back_at: null, applied_steps_count: 1 });
    });
  });

  it("rolls a failing migration back entirely and reports it in one line", async () => {
    await withScratchRoot((root) => withFreshDatabase(async (url) => {
      const dir = path.join(root, "prisma", "migrations", "29991231235959_broken");
      fs.mkdirSync(dir);
      fs.writeFileSync(
        path.join(dir, "migration.sql"),
        'CREATE TABLE "half_done" ("a" INTEGER);\nALTER TABLE "users" ADD COLUMN "oops" TEXT;\nSELECT 1/0;\n',
      );
      const error = await applyMigrations(url, { root }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/^Migration 29991231235959_broken failed and was rolled back.*division by zero/);
      expect(error?.message).not.toContain("\n");
      const left = await admin(
        (c) =>
          c.query(
            `SELECT to_regclass('half_done')::text AS half,
                    (SELECT count(*)::int FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'oops') AS oops`,
          ),
        url,
      );
      expect(left.rows[0]).toEqual({ half: null, oops: 0 });
      expect((await migrationStatus(url, { root })).failed).toEqual(["29991231235959_broken"]);
    }));
  });

  it("makes audit_events append-only (UPDATE, DELETE and TRUNCATE are refused)", async () => {
    await withFreshDatabase(async (url) => {
      await applyMigrations(url, { root: ROOT });
      await admin(async (c) => {
        await c.query(`INSERT INTO audit_events (id, action, prev_hash, hash) VALUES ($1, 'test', '', 'h1')`, [randomUUID()]);
        await expect(c.query(`UPDATE audit_events SET action = 'changed'`)).rejects.toThrow(/append-only: UPDATE/);
        await expect(c.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only: DELETE/);
        await expect(c.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only: TRUNCATE/);
        const rows = await c.query(`SELECT action FROM audit_events`);
        expect(rows.rows).toEqual([{ action: "test" }]);
      }, url);
    });
  });
});
