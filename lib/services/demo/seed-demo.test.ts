// The demo seed on a database of its own: a missing or foreign master key is refused before
// anything is written, and a seed that stopped half-way completes when run again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { disconnectDb, getDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrations";
import { AppError } from "@/lib/errors";
import { runCli } from "@/lib/cli/run-cli";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { seedDemo } from "./seed-demo";

let fresh: TestDatabase;
let runUrl: string | undefined;
const runKey = process.env.KEYPORT_MASTER_KEY;

beforeAll(async () => {
  fresh = await createTestDatabase("keyport_demo_test");
  await applyMigrations(fresh.url);
  runUrl = process.env.DATABASE_URL;
  await disconnectDb();
  process.env.DATABASE_URL = fresh.url;
});
afterAll(async () => {
  await disconnectDb();
  process.env.DATABASE_URL = runUrl;
  process.env.KEYPORT_MASTER_KEY = runKey;
  await fresh.drop();
});

async function counts() {
  const db = getDb();
  const [environments, cas, organisations, users, audit] = await Promise.all([
    db.environment.count(),
    db.certificateAuthority.count(),
    db.organisation.count(),
    db.user.count(),
    db.auditEvent.count(),
  ]);
  return { environments, cas, organisations, users, audit };
}

function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, { migrate: async () => [] }).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
}

describe("demo seed", () => {
  it("without a master key: refuses before writing anything, exit 1 with how to set one", async () => {
    delete process.env.KEYPORT_MASTER_KEY;
    const empty = await counts();
    const e = await seedDemo(CLI_ACTOR).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).message).toMatch(/No master key: set KEYPORT_MASTER_KEY .*openssl rand -hex 32.*KEYPORT_MASTER_KEY_FILE/);
    expect(await counts()).toEqual(empty);
    const r = await cli(["demo"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^keyport demo: No master key: set KEYPORT_MASTER_KEY/);
    expect(r.err.split("\n")).toHaveLength(1);
    expect(await counts()).toEqual(empty);
  });

  it("completes a seed that stopped half-way, and refuses a different master key than its CAs'", async () => {
    process.env.KEYPORT_MASTER_KEY = runKey;
    // As if an earlier run had stopped after the first environment.
    await createEnvironment(CLI_ACTOR, { code: "PPR", name: "Pre-production", approvalsRequired: 1, production: false });
    const r = await cli(["demo"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/Demo data created: environment PRD, CAs for PPR, CAs for PRD, organisation acme, user /);
    expect(await counts()).toMatchObject({ environments: 2, cas: 4, organisations: 1, users: 8 });

    // Nothing left to create: no master key needed, nothing changes.
    delete process.env.KEYPORT_MASTER_KEY;
    const before = await counts();
    expect(await seedDemo(CLI_ACTOR)).toEqual({ created: [], passwords: [] });
    expect(await counts()).toEqual(before);

    // CAs missing again (e.g. a new install's second run) under another key: refused up front.
    await getDb().$executeRaw`UPDATE certificate_authorities SET active = false WHERE env_id = (SELECT id FROM environments WHERE code = 'PRD')`;
    process.env.KEYPORT_MASTER_KEY = "ef".repeat(32);
    const wrong = await cli(["demo"]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/^keyport demo: The configured master key \(id [0-9a-f]{16}\) is not the one the existing CAs are sealed under \(id [0-9a-f]{16}; environment PPR\)/);
    expect(await counts()).toEqual(before);
  });
});
