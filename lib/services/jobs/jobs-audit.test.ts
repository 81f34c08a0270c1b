// `keyport jobs run` (cron-safe CRL renewal) and `keyport audit verify` (tamper detection
// by altering and deleting rows directly in the database).
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { sealPendingAuditEvents } from "@/lib/audit/seal-audit";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { runCli } from "@/lib/cli/run-cli";
import { crlIsDue, runJobs } from "./run-jobs";
import { makeEnvironment } from "@/lib/testing/world";

afterAll(disconnectDb);

function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, { migrate: async () => [] }).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
}

class Rollback extends Error {}

/** Run fn in a transaction that is always rolled back, so tampering never outlives the test. */
async function inRolledBackTx<T>(fn: (tx: Parameters<Parameters<ReturnType<typeof getDb>["$transaction"]>[0]>[0]) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await getDb()
    .$transaction(async (tx) => {
      result = await fn(tx);
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return result as T;
}

describe("jobs run", () => {
  it("renews only CRLs past half their lifetime, and concurrent runs never publish two CRLs for one window", async () => {
    const env = await makeEnvironment();
    const cas = await getDb().certificateAuthority.findMany({ where: { envId: env.id } });
    expect(crlIsDue(null)).toBe(true);
    const now = Date.now();
    expect(crlIsDue({ thisUpdate: new Date(now - 1000), nextUpdate: new Date(now + 7 * 86_400_000) })).toBe(false);
    expect(crlIsDue({ thisUpdate: new Date(now - 4 * 86_400_000), nextUpdate: new Date(now + 3 * 86_400_000) })).toBe(true);

    const fresh = await runJobs(CLI_ACTOR, undefined, { envCode: env.code });
    expect(fresh.crls.filter((c) => c.environment === env.code).every((c) => c.action === "fresh")).toBe(true);

    // Five days later the issuing CRL (7 days) is due, the root CRL (30 days) is not. Three instances run at once.
    const later = () => new Date(now + 5 * 86_400_000);
    const counts = async () => Promise.all(cas.map((ca) => getDb().crl.count({ where: { caId: ca.id } })));
    const before = await counts();
    const runs = await Promise.all([1, 2, 3].map(() => runJobs(CLI_ACTOR, later, { envCode: env.code })));
    const after = await counts();
    const issuingIndex = cas.findIndex((c) => c.kind === "issuing");
    const rootIndex = cas.findIndex((c) => c.kind === "root");
    expect(after[issuingIndex]).toBe(before[issuingIndex] + 1);
    expect(after[rootIndex]).toBe(before[rootIndex]);
    const renewed = runs.flatMap((r) => r.crls).filter((c) => c.environment === env.code && c.action === "renewed");
    expect(renewed).toHaveLength(1);

    const res = await cli(["jobs", "run"]);
    expect(res.code).toBe(0);
    expect(res.err).toMatch(/CRL\(s\) renewed/);
  });
});

describe("audit verify", () => {
  it("passes on an intact trail and names the first altered or deleted row", async () => {
    await makeEnvironment({ withCa: false });
    const ok = await cli(["audit", "verify"]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/intact/);

    const db = getDb();
    await sealPendingAuditEvents();
    const rows = await db.auditEvent.findMany({ where: { seq: { not: null } }, orderBy: { seq: "desc" }, take: 3 });
    const [, middle] = rows;

    // The database refuses edits outright...
    await expect(db.$executeRaw`UPDATE audit_events SET action = 'x' WHERE seq = ${middle.seq}`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM audit_events WHERE seq = ${middle.seq}`).rejects.toThrow(/append-only/);

    // ...and when someone with DDL rights disables the guard, verification finds the exact row.
    const altered = await inRolledBackTx(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.$executeRaw`UPDATE audit_events SET details = '{"forged":true}'::jsonb WHERE seq = ${middle.seq}`;
      return verifyAuditChain(tx);
    });
    expect(altered.ok).toBe(false);
    if (!altered.ok) {
      expect(altered.brokenAt).toContain(`#${middle.seq}`);
      expect(altered.reason).toMatch(/altered/);
    }
    const deleted = await inRolledBackTx(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.$executeRaw`DELETE FROM audit_events WHERE seq = ${middle.seq}`;
      return verifyAuditChain(tx);
    });
    expect(deleted.ok).toBe(false);
    if (!deleted.ok) {
      expect(deleted.brokenAt).toContain(`#${rows[0].seq}`);
      expect(deleted.reason).toMatch(/deleted or altered/);
    }
    // Deleting the newest events leaves every remaining link intact: the chain's head catches it.
    const tail = await inRolledBackTx(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.$executeRaw`DELETE FROM audit_events WHERE seq >= ${rows[1].seq}`;
      return verifyAuditChain(tx);
    });
    expect(tail.ok).toBe(false);
    if (!tail.ok) {
      expect(tail.brokenAt).toContain(`after event #${rows[2].seq}`);
      expect(tail.reason).toMatch(new RegExp(`head records event #${rows[0].seq}.*ends at #${rows[2].seq}.*deleted`));
    }
    // The head itself only moves forward and cannot be deleted...
    await expect(db.$executeRaw`UPDATE audit_chain_head SET seq = seq - 1`).rejects.toThrow(/only moves forward/);
    await expect(db.$executeRaw`DELETE FROM audit_chain_head`).rejects.toThrow(/only moves forward/);
    // ...and with its guard disabled, a deleted head or a replaced newest event is still found.
    const headless = await inRolledBackTx(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_forward_only`);
      await tx.$executeRaw`DELETE FROM audit_chain_head`;
      return verifyAuditChain(tx);
    });
    expect(headless).toMatchObject({ ok: false, reason: expect.stringMatching(/head record is missing/) });
    const replaced = await inRolledBackTx(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_forward_only`);
      await tx.$executeRaw`UPDATE audit_chain_head SET hash = ${"f".repeat(64)}`;
      return verifyAuditChain(tx);
    });
    expect(replaced).toMatchObject({ ok: false, brokenAt: expect.stringContaining(`#${rows[0].seq}`) });

    const cliBroken = await inRolledBackTx(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.$executeRaw`DELETE FROM audit_events WHERE seq = ${rows[0].seq}`;
      return verifyAuditChain(tx);
    });
    expect(cliBroken).toMatchObject({ ok: false, verified: cliBroken.rows });

    // The rollback restored everything.
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});
