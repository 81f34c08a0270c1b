import type { z } from "zod";
import { getDb, type Tx } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { alreadyDecided, approveSchema, recordDecision, rejectSchema } from "@/lib/services/requests/approvals";
import { assertId } from "@/lib/services/scope";
import { getJwsKey } from "./read-jws-keys";

async function lockKey(tx: Tx, id: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM partner_jws_keys WHERE id = ${id}::uuid FOR UPDATE`;
  if (!locked.length) throw new AppError("not_found", `No JWS key with id "${id}".`);
  return tx.partnerJwsKey.findUniqueOrThrow({ where: { id }, include: { env: true, org: true } });
}

/**
 * An officer endorses. At the environment's number of distinct officers the key becomes active;
 * the partner's other active keys stay active until their retire dates (rotation with overlap).
 */
export async function endorseJwsKey(actor: Actor, id: string, input: z.input<typeof approveSchema> = {}) {
  authorize(actor, "jws-key:decide");
  const keyId = assertId(id, "JWS key");
  const { comment } = parseInput(approveSchema, input ?? {});
  await getDb().$transaction(async (tx) => {
    const key = await lockKey(tx, keyId);
    if (key.status !== "pending") throw alreadyDecided("JWS key", key.status);
    const approvals = await recordDecision(tx, actor, { kind: "jws_key", requestId: keyId }, key, { decision: "approve", comment });
    await recordAudit(tx, actor, {
      action: "jws_key.approve",
      orgId: key.orgId,
      targetType: "jws_key",
      targetId: keyId,
      details: { approvals, required: key.env.approvalsRequired, ...(comment ? { comment } : {}) },
    });
    if (approvals < key.env.approvalsRequired) return;
    if (!key.env.jwsAlgorithms.includes(key.alg)) {
      throw new AppError("validation_failed", `${key.env.code} no longer allows ${key.alg}; nothing was endorsed. Reject it with a reason.`);
    }
    const now = new Date();
    await tx.partnerJwsKey.update({ where: { id: keyId }, data: { status: "endorsed", endorsedAt: now, decidedAt: now } });
    const overlapping = await tx.partnerJwsKey.findMany({ where: { orgId: key.orgId, envId: key.envId, status: "endorsed", id: { not: keyId }, OR: [{ retireAt: null }, { retireAt: { gt: now } }] }, select: { kid: true } });
    await recordAudit(tx, actor, {
      action: "jws_key.endorse",
      orgId: key.orgId,
      targetType: "jws_key",
      targetId: keyId,
      details: { environment: key.env.code, organisation: key.org.code, kid: key.kid, alg: key.alg, ...(overlapping.length ? { stillActive: overlapping.map((k) => k.kid) } : {}) },
    });
  });
  return getJwsKey(actor, keyId);
}

/** An officer rejects with a reason the partner sees; the partner's active keys stay active. */
export async function rejectJwsKey(actor: Actor, id: string, input: z.input<typeof rejectSchema> | Record<string, unknown>) {
  authorize(actor, "jws-key:decide");
  const keyId = assertId(id, "JWS key");
  const { reason } = parseInput(rejectSchema, input ?? {});
  await getDb().$transaction(async (tx) => {
    const key = await lockKey(tx, keyId);
    if (key.status !== "pending") throw alreadyDecided("JWS key", key.status);
    await recordDecision(tx, actor, { kind: "jws_key", requestId: keyId }, key, { decision: "reject", comment: reason });
    await tx.partnerJwsKey.update({ where: { id: keyId }, data: { status: "rejected", rejectionReason: reason, decidedAt: new Date() } });
    await recordAudit(tx, actor, { action: "jws_key.reject", orgId: key.orgId, targetType: "jws_key", targetId: keyId, details: { kid: key.kid, reason } });
  });
  return getJwsKey(actor, keyId);
}
