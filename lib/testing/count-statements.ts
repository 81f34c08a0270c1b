// The statements a piece of work sends to PostgreSQL (BEGIN and COMMIT included), counted at the
// pg driver: what lib/services/requests/statement-count.test.ts and the notification tests hold.
import pg from "pg";

const realQuery = pg.Client.prototype.query;

/** Run fn and return its result with the text of every statement it sent, in order. */
export async function countedStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0];
    statements.push(typeof q === "string" ? q : String((q as { text?: string } | null)?.text ?? q));
    return (realQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof realQuery;
  try {
    return { result: await fn(), statements };
  } finally {
    pg.Client.prototype.query = realQuery;
  }
}
