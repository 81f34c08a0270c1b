// A fresh database per test run: on the server named by TEST_DATABASE_URL
// (created and dropped here), or an in-memory embedded PGlite when unset.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded";

export type TestDatabase = { url: string; drop: () => Promise<void> };

export async function createTestDatabase(prefix = "keyport_test"): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const db = await startEmbeddedDatabase({ dataDir: "memory://", port });
    return { url: db.url, drop: db.stop };
  }
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
