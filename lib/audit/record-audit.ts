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
 * Append an audit event inside the caller's transaction. The advisory lock
 * serialises writers so each row links to the one before it (hash chain).
 */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
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
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.auditEvent.create({ data: { ...row, details: row.details as object, hash: auditHash(row) } });
}
