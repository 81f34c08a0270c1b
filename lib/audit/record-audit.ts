import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { type Actor, actorLabel } from "@/lib/auth/actor";

/** Who an audit row names: an actor, or an unauthenticated caller (a failed sign-in) seen from an IP. */
export type AuditActor = Actor | { type: "anonymous"; ip: string | null };
import { GENESIS_HASH, auditHash } from "@/lib/audit/hash";

export type AuditEntry = {
  action: string;
  orgId?: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
};

// Any fixed key works: it serialises writers of the chain across processes.
const AUDIT_LOCK_KEY = 7_202_611;

/**
 * Take the audit chain's lock for the rest of the caller's transaction (re-entrant).
 * Lock order, so that two writers never wait on each other in opposite orders
 * (deadlock): the row being decided (a request or certificate, FOR UPDATE), then this
 * lock, then CA rows (FOR UPDATE for a CRL, key-share for a new certificate). Code that
 * locks a CA row calls this first (regenerateCrl, signLeaf, jobs).
 */
export async function lockAuditChain(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`;
}

/**
 * Append an audit event inside the caller's transaction. The advisory lock
 * serialises writers so each row links to the one before it (hash chain).
 */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await lockAuditChain(tx);
  const head = await tx.auditChainHead.findUnique({ where: { id: 1 }, select: { hash: true } });
  const { actorId, actorEmail } = actor.type === "anonymous" ? { actorId: null, actorEmail: "anonymous" } : actorLabel(actor);
  const row = {
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
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const hash = auditHash(row);
  const { seq } = await tx.auditEvent.create({ data: { ...row, details: row.details as object, hash }, select: { seq: true } });
  // The head moves with the chain, in the same transaction: deleting the newest events is then detectable too.
  await tx.auditChainHead.upsert({ where: { id: 1 }, create: { id: 1, seq, hash, updatedAt: row.at }, update: { seq, hash, updatedAt: row.at } });
}
