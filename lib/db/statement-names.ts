// Prepared statements, named by their text: PostgreSQL parses and plans each statement once per
// connection instead of on every call (planning was as long as executing for issuance's
// statements: 1.9 s of planning to 2.3 s of execution over 300 certificates). Left unnamed, so
// planned for their values each time: searches (LIKE/ILIKE, whose best plan depends on the
// pattern) and statements with many parameters (a list of ids: one text per length). Each
// connection keeps at most MAX_NAMED_STATEMENTS. Not on the embedded PGlite, whose connections
// share one backend, where the second PREPARE of a name fails. (The adapter passes the name to
// pg's query config, where undefined means an unnamed statement.)
const MAX_NAMED_STATEMENTS = 1000;
const MAX_NAMED_PARAMETERS = 64;
const statementNames = new Map<string, string | null>();
let named = 0;
export function statementName(query: { sql: string }): string | undefined {
  let name = statementNames.get(query.sql);
  if (name === undefined) {
    if (statementNames.size >= 4 * MAX_NAMED_STATEMENTS) return undefined;
    const params = query.sql.match(/\$\d+/g)?.length ?? 0;
    name = named < MAX_NAMED_STATEMENTS && params <= MAX_NAMED_PARAMETERS && !/\bI?LIKE\b/i.test(query.sql) ? `kp_${(named++).toString(36)}` : null;
    statementNames.set(query.sql, name);
  }
  return name ?? undefined;
}
