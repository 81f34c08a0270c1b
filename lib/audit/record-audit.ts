import { randomUUID } from "node:crypto";
import { currentRequestId } from "@/lib/log/request-context";
import type { Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, actorLabel } from "@/lib/auth/actor";
import { type AuditSeal, openAuditSeal } from "@/lib/ca/audit-seal";
import { KEYED_CHAIN_VERSION, pendingAuditMac } from "@/lib/audit/hash";
import { refuseAnotherKey, scheduleAuditSealing } from "@/lib/audit/seal-audit";

/** Who an audit row names: an actor, or an unauthenticated caller (a failed sign-in) seen from an IP. */
export type AuditActor = Actor | { type: "anonymous"; ip: string | null };

export type AuditEntry = {
  action: string;
  orgId?: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
};

// Which (database, key) pairs were last seen to match the chain's head, and when: the head's key
// changes only if an operator swaps the master key, so it is read again at most every few seconds.
const keyChecked = new Map<string, number>();
const KEY_CHECK_TTL_MS = 5_000;

async function checkKey(db: Pick<Tx, "auditChainHead">, seal: AuditSeal): Promise<void> {
  const cacheKey = `${process.env.DATABASE_URL ?? ""}|${seal.keyId}`;
  const seen = keyChecked.get(cacheKey);
  if (seen !== undefined && Date.now() - seen < KEY_CHECK_TTL_MS) return;
  refuseAnotherKey(seal, await db.auditChainHead.findUnique({ where: { id: 1 }, select: { keyId: true } }));
  keyChecked.set(cacheKey, Date.now());
}

/**
 * Throws what recordAudit would (no master key, or another one than the trail's): for work with
 * effects outside the database (files) that must not start when its audit row cannot be written.
 */
export async function assertAuditWritable(db: Pick<Tx, "auditChainHead">): Promise<void> {
  const seal = openAuditSeal();
  refuseAnotherKey(seal, await db.auditChainHead.findUnique({ where: { id: 1 }, select: { keyId: true } }));
}

/** The stored fields of a new event (no link yet). */
export function auditRow(actor: AuditActor, entry: AuditEntry) {
  const { actorId, actorEmail } = actor.type === "anonymous" ? { actorId: null, actorEmail: "anonymous" } : actorLabel(actor);
  return {
    id: randomUUID(),
    at: new Date(),
    actorId,
    actorEmail,
    orgId: entry.orgId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    sourceIp: actor.ip,
    details: entry.details ?? {},
    requestId: currentRequestId() ?? null,
  };
}

/**
 * Record an audit event inside the caller's transaction: one INSERT, no lock shared with any
 * other writer. The event is pending (no seq, no link): its content is MAC'd under the audit
 * chain key (lib/ca/audit-seal.ts), and the single sealer (lib/audit/seal-audit.ts) chains it
 * shortly after the transaction commits — the chain's order is the sealing order. Without the
 * master key (or under another one than the trail's) nothing is recorded, so the state change
 * that called this fails with the master key's message.
 */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await recordAudits(tx, actor, [entry]);
}

/** Several events of one actor in one INSERT (the same as recordAudit for each, in this order). */
export async function recordAudits(tx: Tx, actor: AuditActor, entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const seal = openAuditSeal();
  await checkKey(tx, seal);
  const base = Date.now();
  const data = entries.map((entry, i) => {
    // Distinct, increasing times: the sealer chains pending events in (at, id) order.
    const row = { ...auditRow(actor, entry), ...(i ? { at: new Date(base + i) } : {}) };
    return { ...row, details: row.details as object, pendingMac: pendingAuditMac(row, seal), chainVersion: KEYED_CHAIN_VERSION };
  });
  // Raw: Prisma never caches a createMany's query plan (it compiled one per approval), and a
  // plain INSERT costs a third of a model create's client CPU.
  const values = Prisma.join(
    data.map(
      (d) =>
        Prisma.sql`(${d.id}::uuid, ${d.at}::timestamptz, ${d.actorId}::uuid, ${d.actorEmail}, ${d.orgId}::uuid, ${d.action}, ${d.targetType}, ${d.targetId}, ${d.sourceIp}, ${JSON.stringify(d.details)}::jsonb, ${d.pendingMac}, ${d.chainVersion}::smallint, ${d.requestId})`,
    ),
  );
  await tx.$executeRaw`INSERT INTO audit_events (id, at, actor_id, actor_email, org_id, action, target_type, target_id, source_ip, details, pending_mac, chain_version, request_id) VALUES ${values}`;
  scheduleAuditSealing();
}
