import { randomUUID } from "node:crypto";
import { currentRequestId } from "@/lib/log/request-context";
import type { Tx } from "@/lib/db/client";
import { type Actor, actorLabel } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { type AuditSeal, openAuditSeal } from "@/lib/ca/audit-seal";
import { GENESIS_HASH, KEYED_CHAIN_VERSION, keyedAuditHash } from "@/lib/audit/hash";

/** Who an audit row names: an actor, or an unauthenticated caller (a failed sign-in) seen from an IP. */
export type AuditActor = Actor | { type: "anonymous"; ip: string | null };

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
 * locks a CA row calls this first (regenerateCrl, signLeaf, jobs). Checkpoints of the
 * chain's head are written under this lock too, after the event they cover, and lock nothing else.
 */
export async function lockAuditChain(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`;
}

function refuseAnotherKey(seal: AuditSeal, head: { keyId: string | null } | null) {
  if (head?.keyId && head.keyId !== seal.keyId) {
    // Writing on would mix two keys in one chain, which `audit verify` could only call tampering.
    throw new AppError(
      "internal",
      `The configured master key (id ${seal.keyId}) is not the one the audit trail is sealed under (id ${head.keyId}): nothing was recorded. Set KEYPORT_MASTER_KEY (or KEYPORT_MASTER_KEY_FILE) to the original key.`,
    );
  }
}

/**
 * Throws what recordAudit would (no master key, or another one than the trail's): for work with
 * effects outside the database (files) that must not start when its audit row cannot be written.
 */
export async function assertAuditWritable(db: Pick<Tx, "auditChainHead">): Promise<void> {
  const seal = openAuditSeal();
  refuseAnotherKey(seal, await db.auditChainHead.findUnique({ where: { id: 1 }, select: { keyId: true } }));
}

/**
 * Append an audit event inside the caller's transaction. The advisory lock
 * serialises writers so each row links to the one before it (hash chain). The
 * row's hash is keyed (lib/ca/audit-seal.ts): without the master key nothing is
 * recorded, so the state change that called this fails with the master key's message.
 */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  const seal = openAuditSeal();
  await lockAuditChain(tx);
  const head = await tx.auditChainHead.findUnique({ where: { id: 1 }, select: { hash: true, keyId: true } });
  refuseAnotherKey(seal, head);
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
    requestId: currentRequestId() ?? null,
  };
  const hash = keyedAuditHash(row, seal);
  const { seq } = await tx.auditEvent.create({ data: { ...row, details: row.details as object, hash, chainVersion: KEYED_CHAIN_VERSION }, select: { seq: true } });
  // The head moves with the chain, in the same transaction: deleting the newest events is then detectable too.
  const moved = { seq, hash, updatedAt: row.at, keyId: seal.keyId };
  await tx.auditChainHead.upsert({ where: { id: 1 }, create: { id: 1, ...moved }, update: moved });
}
