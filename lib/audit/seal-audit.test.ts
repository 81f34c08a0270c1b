// Pending audit events (issue 21): written without a global lock, MAC'd, sealed by one sealer.
// A row forged or altered while pending is never sealed and `audit verify` names it; an event
// left pending past the bound fails verify; concurrent writers never wait for the sealer.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { sealPendingAuditEvents, takeSealerLock } from "@/lib/audit/seal-audit";
import { verifyAuditChain } from "@/lib/audit/verify-chain";

const seal = process.env.KEYPORT_AUDIT_SEAL;
beforeAll(() => {
  process.env.KEYPORT_AUDIT_SEAL = "manual";
});
afterAll(async () => {
  process.env.KEYPORT_AUDIT_SEAL = seal;
  await disconnectDb();
});

/** Run fn in a transaction that is rolled back (the shared test database keeps no forged rows). */
async function rolledBack<T>(fn: (tx: Parameters<Parameters<ReturnType<typeof getDb>["$transaction"]>[0]>[0]) => Promise<T>): Promise<T> {
  let out: T;
  await getDb()
    .$transaction(async (tx) => {
      out = await fn(tx);
      throw new Error("rollback");
    })
    .catch((e: Error) => {
      if (e.message !== "rollback") throw e;
    });
  return out!;
}

describe("pending audit events", () => {
  it("are sealed in order into the chain, with verify reporting the lag", async () => {
    await sealPendingAuditEvents();
    const id = `t-${randomUUID()}`;
    await getDb().$transaction((tx) => recordAudit(tx, CLI_ACTOR, { action: "test.pending", targetId: id }));
    const pending = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: id } });
    expect(pending).toMatchObject({ seq: null, prevHash: null, hash: null });
    expect(pending.pendingMac).toMatch(/^[0-9a-f]{64}$/);
    const before = await verifyAuditChain();
    expect(before).toMatchObject({ ok: true, pending: { count: 1 } });
    expect(await sealPendingAuditEvents()).toMatchObject({ sealed: 1, refused: 0 });
    const sealed = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: id } });
    expect(sealed.seq).not.toBeNull();
    expect(await verifyAuditChain()).toMatchObject({ ok: true, pending: { count: 0 }, head: { seq: sealed.seq!.toString(), hash: sealed.hash } });
    // The database refuses a second sealing or any edit of a sealed event.
    await expect(getDb().$executeRaw`UPDATE audit_events SET seq = seq + 1000 WHERE id = ${sealed.id}::uuid`).rejects.toThrow(/append-only/);
  });

  it("forged or altered while pending: never sealed, and verify names the row", async () => {
    await sealPendingAuditEvents();
    await rolledBack(async (tx) => {
      await tx.$executeRaw`INSERT INTO audit_events (id, at, actor_email, action, details, pending_mac, chain_version) VALUES (${randomUUID()}::uuid, now(), 'cli', 'certificate.revoke', '{}', ${"ab".repeat(32)}, 2)`;
      await takeSealerLock(tx, true);
      const { sealBatch } = await import("@/lib/audit/seal-audit");
      const { openAuditSeal } = await import("@/lib/ca/audit-seal");
      expect(await sealBatch(tx, openAuditSeal())).toMatchObject({ sealed: 0, refused: 1 });
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: false, brokenAt: expect.stringMatching(/^pending event .* \(certificate\.revoke at /), reason: expect.stringMatching(/forged or altered/) });
    });
    const id = `t-${randomUUID()}`;
    await getDb().$transaction((tx) => recordAudit(tx, CLI_ACTOR, { action: "test.altered", targetId: id, details: { n: 1 } }));
    await rolledBack(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.$executeRaw`UPDATE audit_events SET details = '{"n":2}'::jsonb WHERE target_id = ${id}`;
      expect(await verifyAuditChain(tx)).toMatchObject({ ok: false, reason: expect.stringMatching(/forged or altered before it was sealed/) });
    });
    await sealPendingAuditEvents();
  });

  it("fail verify once one has waited longer than the bound", async () => {
    const bound = process.env.KEYPORT_AUDIT_SEAL_MAX_LAG_SECONDS;
    await getDb().$transaction((tx) => recordAudit(tx, CLI_ACTOR, { action: "test.lag", targetId: `t-${randomUUID()}` }));
    await new Promise((r) => setTimeout(r, 1100));
    process.env.KEYPORT_AUDIT_SEAL_MAX_LAG_SECONDS = "1";
    try {
      expect(await verifyAuditChain()).toMatchObject({ ok: false, brokenAt: "the pending events", reason: expect.stringMatching(/the sealer is not running/) });
    } finally {
      if (bound === undefined) delete process.env.KEYPORT_AUDIT_SEAL_MAX_LAG_SECONDS;
      else process.env.KEYPORT_AUDIT_SEAL_MAX_LAG_SECONDS = bound;
    }
    await sealPendingAuditEvents();
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("writers do not wait for a sealer holding its lock", async () => {
    await getDb().$transaction(
      async (tx) => {
        await takeSealerLock(tx, true);
        const t = performance.now();
        // Another connection records while this one holds the sealer lock.
        await Promise.all(Array.from({ length: 5 }, (_, i) => getDb().$transaction((w) => recordAudit(w, CLI_ACTOR, { action: "test.concurrent", targetId: `c-${i}` }))));
        expect(performance.now() - t).toBeLessThan(5000);
        expect(await sealPendingAuditEvents({ wait: false })).toBeNull(); // another sealer is at work: nothing done
      },
      { timeout: 20_000 },
    );
    expect((await sealPendingAuditEvents())!.sealed).toBeGreaterThanOrEqual(5);
  });
});
