import type { z } from "zod";
import { getDb, type Tx } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { alreadyDecided, approveSchema, recordDecision, rejectSchema } from "@/lib/services/requests/approvals";
import { assertId } from "@/lib/services/scope";
import { emitEvent } from "@/lib/notifications/emit-event";
import { checkEntry } from "./check-entry";
import { getEndpoint } from "./read-endpoints";

async function lockEndpoint(tx: Tx, id: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM partner_endpoints WHERE id = ${id}::uuid FOR UPDATE`;
  if (!locked.length) throw new AppError("not_found", `No endpoint with id "${id}".`);
  return tx.partnerEndpoint.findUniqueOrThrow({ where: { id }, include: { env: true, org: { select: { code: true } } } });
}

/**
 * An officer confirms a partner's entry. At the environment's number of distinct officers it is
 * checked again (the environment's rule may have changed) and becomes confirmed: it enters the
 * exports and a callback URL may be probed.
 */
export async function confirmEndpoint(actor: Actor, id: string, input: z.input<typeof approveSchema> = {}) {
  authorize(actor, "endpoint:decide");
  const endpointId = assertId(id, "endpoint");
  const { comment } = parseInput(approveSchema, input ?? {});
  await getDb().$transaction(async (tx) => {
    const row = await lockEndpoint(tx, endpointId);
    if (row.removedAt) throw new AppError("conflict", "The partner removed this entry; nothing was changed.");
    if (row.status !== "new") throw alreadyDecided("endpoint", row.status);
    const approvals = await recordDecision(tx, actor, { kind: "endpoint", requestId: endpointId }, row, { decision: "approve", comment });
    await recordAudit(tx, actor, { action: "endpoint.approve", orgId: row.orgId, targetType: "endpoint", targetId: endpointId, details: { approvals, required: row.env.approvalsRequired, ...(comment ? { comment } : {}) } });
    if (approvals < row.env.approvalsRequired) return;
    try {
      checkEntry(row.kind, row.value, row.env, []);
    } catch (e) {
      if (e instanceof AppError) throw new AppError("validation_failed", `The entry no longer passes its checks: ${e.message} Nothing was confirmed; reject it with a reason.`);
      throw e;
    }
    await tx.partnerEndpoint.update({ where: { id: endpointId }, data: { status: "confirmed", decidedAt: new Date() } });
    await recordAudit(tx, actor, { action: "endpoint.confirm", orgId: row.orgId, targetType: "endpoint", targetId: endpointId, details: { environment: row.env.code, organisation: row.org.code, kind: row.kind, value: row.value } });
    await emitEvent(tx, "endpoint.confirmed", { id: endpointId });
  });
  return getEndpoint(actor, endpointId);
}

/** An officer rejects with a reason the partner sees. */
export async function rejectEndpoint(actor: Actor, id: string, input: z.input<typeof rejectSchema> | Record<string, unknown>) {
  authorize(actor, "endpoint:decide");
  const endpointId = assertId(id, "endpoint");
  const { reason } = parseInput(rejectSchema, input ?? {});
  await getDb().$transaction(async (tx) => {
    const row = await lockEndpoint(tx, endpointId);
    if (row.removedAt) throw new AppError("conflict", "The partner removed this entry; nothing was changed.");
    if (row.status !== "new") throw alreadyDecided("endpoint", row.status);
    await recordDecision(tx, actor, { kind: "endpoint", requestId: endpointId }, row, { decision: "reject", comment: reason });
    await tx.partnerEndpoint.update({ where: { id: endpointId }, data: { status: "rejected", rejectionReason: reason, decidedAt: new Date() } });
    await recordAudit(tx, actor, { action: "endpoint.reject", orgId: row.orgId, targetType: "endpoint", targetId: endpointId, details: { reason } });
    await emitEvent(tx, "endpoint.rejected", { id: endpointId, reason });
  });
  return getEndpoint(actor, endpointId);
}
