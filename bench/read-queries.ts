// The SQL behind each read that bench:load times (issue 21), with PostgreSQL's plan for each
// statement: run the read services against a database seeded by bench:load's seed, capture the
// statements the Prisma client sends, then EXPLAIN (ANALYZE, BUFFERS) each one. Not part of CI.
//   DATABASE_URL=postgres://…/keyport_bench_x npx tsx bench/read-queries.ts [--plans]
// The database must hold bench:load's data (a makeWorld environment and the seeded certificates):
// one that `npm run bench:load -- --keep` left, or seed one with `npx tsx bench/read-queries.ts --seed 1000000`.
import pg from "pg";
import { randomBytes } from "node:crypto";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

type Captured = { sql: string; values: unknown[]; ms: number };
let capture: Captured[] | null = null;
// Every statement through pg (the Prisma adapter's pool runs them on pg.Client, promise or callback form).
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [config, maybeValues] = args as [string | { text: string; values?: unknown[] }, unknown];
  const sql = typeof config === "string" ? config : config?.text;
  const values = (typeof config === "object" && config?.values) || (Array.isArray(maybeValues) ? maybeValues : []);
  const started = performance.now();
  const into = capture;
  const record = () => into && sql && into.push({ sql, values, ms: performance.now() - started });
  const last = args.length - 1;
  if (typeof args[last] === "function") {
    const callback = args[last] as (...a: unknown[]) => void;
    args[last] = (...a: unknown[]) => {
      record();
      callback(...a);
    };
  }
  const result = (original as (...a: unknown[]) => unknown).apply(this, args);
  if (result instanceof Promise) void result.then(record, () => {});
  return result;
} as typeof original;

async function main() {
  const seedSize = arg("seed");
  if (seedSize) {
    const server = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
    const name = `keyport_reads_${seedSize}_${randomBytes(3).toString("hex")}`;
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const u = new URL(server);
    u.pathname = `/${name}`;
    process.env.DATABASE_URL = u.toString();
    process.env.KEYPORT_MASTER_KEY ??= randomBytes(32).toString("hex");
    const { applyMigrations } = await import("../lib/db/migrations");
    await applyMigrations(u.toString());
    const { makeWorld } = await import("../lib/testing/world");
    const { getDb, disconnectDb } = await import("../lib/db/client");
    const w = await makeWorld({ approvalsRequired: 1 });
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { envId: w.env.id, kind: "issuing" } });
    process.env.BENCH_LOAD_NO_MAIN = "1";
    const { seed } = await import("./load");
    await seed(u.toString(), Number(seedSize), { id: w.env.id, caId: ca.id, derHex: Buffer.from(ca.certDer).toString("hex") });
    await disconnectDb();
    console.log(`seeded ${seedSize} certificates: DATABASE_URL=${u} KEYPORT_MASTER_KEY=${process.env.KEYPORT_MASTER_KEY}`);
    return;
  }

  const url = process.env.DATABASE_URL!;
  const { getDb, disconnectDb } = await import("../lib/db/client");
  const { listCertificatesPage, getCertificate } = await import("../lib/services/certificates/read-certificates");
  const { downloadCertificate } = await import("../lib/services/certificates/download-certificate");
  const { getEnvironmentCrl } = await import("../lib/services/ca/ca-chain");
  const { listOrganisations } = await import("../lib/services/organisations/list-organisations");
  const { listEnvironments } = await import("../lib/services/environments/list-environments");
  const db = getDb();
  const officer = await db.user.findFirstOrThrow({ where: { role: "officer" } });
  const env = await db.environment.findFirstOrThrow({ where: { cas: { some: { kind: "issuing" } } } });
  const actor = { type: "user", userId: officer.id, email: officer.email, name: officer.name, role: "officer", partnerRole: null, orgId: null, via: "api", ip: "127.0.0.1" } as const;
  const some = await db.$queryRawUnsafe<{ id: string; serial_hex: string; subject: string }[]>(`SELECT id, serial_hex, subject FROM certificates WHERE subject LIKE 'CN=bench-cert-%' ORDER BY random() LIMIT 1`);
  const pick = some[0];
  const first = await listCertificatesPage(actor, { limit: 50 });
  const reads: [string, () => Promise<unknown>][] = [
    ["list (50)", () => listCertificatesPage(actor, { limit: 50 })],
    ["list, page 2 (cursor)", () => listCertificatesPage(actor, { limit: 50, cursor: first.nextCursor ?? undefined })],
    ["search subject part", () => listCertificatesPage(actor, { limit: 50, q: pick.subject.slice(3, 18) })],
    ["search serial prefix", () => listCertificatesPage(actor, { limit: 50, q: pick.serial_hex.slice(0, 10) })],
    ["one certificate", () => getCertificate(actor, pick.id)],
    ["download PEM", () => downloadCertificate(actor, pick.id, "pem")],
    ["CRL (issuing)", () => getEnvironmentCrl(env.code, "issuing")],
    ["officer page: organisations", () => listOrganisations(actor)],
    ["officer page: environments", () => listEnvironments(actor)],
    ["officer page: list (100)", () => listCertificatesPage(actor, { limit: 100 })],
  ];
  const explain = new pg.Client({ connectionString: url });
  await explain.connect();
  for (const [label, read] of reads) {
    const failed = await read().then(() => null, (e: unknown) => (e instanceof Error ? e.message : String(e))); // warm
    if (failed) {
      console.log(`\n## ${label}: failed (${failed.slice(0, 200)})`);
      continue;
    }
    capture = [];
    const t = performance.now();
    await read();
    const total = performance.now() - t;
    await new Promise((r) => setImmediate(r));
    const statements = capture.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s.sql));
    capture = null;
    console.log(`\n## ${label}: ${total.toFixed(1)} ms, ${statements.length} statements`);
    for (const s of statements) {
      console.log(`- ${s.ms.toFixed(1)} ms: ${s.sql.replace(/\s+/g, " ").slice(0, 400)}`);
      if (process.argv.includes("--plans") && /^\s*SELECT/i.test(s.sql)) {
        const plan = await explain.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.values as unknown[]);
        console.log(plan.rows.map((r) => `    ${r["QUERY PLAN"]}`).join("\n"));
      }
    }
  }
  await explain.end();
  await disconnectDb();
}

void main();
