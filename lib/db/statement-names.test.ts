// Prepared statements by name: one name per text, never for searches or long parameter lists,
// and the app's statements really are prepared once per connection on PostgreSQL.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { statementName } from "@/lib/db/statement-names";

afterAll(disconnectDb);

describe("statement names", () => {
  it("give one name per text, and none to LIKE searches or statements with many parameters", () => {
    const a = statementName({ sql: `SELECT 1 FROM certificates WHERE id = $1 /* ${Math.random()} */` });
    const same = `SELECT id FROM users WHERE email = $1 AND id > $2 /* ${Math.random()} */`;
    expect(a).toMatch(/^kp_[0-9a-z]+$/);
    expect(statementName({ sql: same })).toBe(statementName({ sql: same }));
    expect(statementName({ sql: same })).not.toBe(a);
    expect(statementName({ sql: `SELECT id FROM certificates WHERE subject ILIKE $1 /* ${Math.random()} */` })).toBeUndefined();
    expect(statementName({ sql: `SELECT id FROM certificates WHERE serial_hex LIKE $1 /* ${Math.random()} */` })).toBeUndefined();
    const many = Array.from({ length: 65 }, (_, i) => `$${i + 1}`).join(", ");
    expect(statementName({ sql: `SELECT id FROM certificates WHERE id IN (${many})` })).toBeUndefined();
  });

  it("are prepared on the connection on PostgreSQL (not on the embedded database)", async () => {
    const db = getDb();
    // One connection: a transaction; the same statement twice, then what the session has prepared.
    const prepared = await db.$transaction(async (tx) => {
      await tx.environment.findMany({ where: { code: "NONE-SUCH" }, select: { id: true } });
      await tx.environment.findMany({ where: { code: "NONE-SUCH" }, select: { id: true } });
      return tx.$queryRaw<{ name: string; statement: string }[]>`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'kp\\_%'`;
    });
    if (process.env.KEYPORT_DB_EMBEDDED === "1") expect(prepared).toEqual([]);
    else expect(prepared.some((p) => /FROM "public"."environments"/.test(p.statement))).toBe(true);
  });
});
