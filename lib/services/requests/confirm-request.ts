import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { emitEvent } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { assertId, orgScope } from "@/lib/services/scope";

export const confirmSchema = z.object({ comment: z.string().trim().max(500, "At most 500 characters.").optional() });

/**
 * A second partner security officer of the organisation confirms a request that waits for it
 * (Environment.partnerConfirmation): only then does it reach the provider's review queue. The
 * officer who submitted it cannot confirm it. Row-locked, so two confirmations cannot both pass.
 */
export async function confirmCertificateRequest(actor: Actor, id: string, input: { comment?: unknown } = {}) {
  authorize(actor, "request:confirm");
  const orgId = orgScope(actor);
  if (!orgId || actor.type !== "user") throw new AppError("forbidden", "Only a partner security officer of the organisation confirms its requests.");
  const requestId = assertId(id, "certificate request");
  const { comment } = parseInput(confirmSchema, input ?? {});
  return getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM certificate_requests WHERE id = ${requestId}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
    if (!locked.length) throw new AppError("not_found", `No certificate request with id "${id}".`);
    const request = await tx.certificateRequest.findUniqueOrThrow({ where: { id: requestId }, include: { env: { select: { code: true } } } });
    if (request.status !== "awaiting_partner_confirmation") throw new AppError("conflict", `This certificate request does not wait for a confirmation (it is ${request.status}); nothing was changed.`);
    if (request.submittedById === actor.userId) {
      throw new AppError("conflict", "You submitted this request: a different partner security officer of your organisation must confirm it.");
    }
    const now = new Date();
    await tx.certificateRequest.update({ where: { id: requestId }, data: { status: "pending", confirmedById: actor.userId, confirmedAt: now } });
    await recordAudit(tx, actor, {
      action: "certificate_request.confirm",
      orgId,
      targetType: "certificate_request",
      targetId: requestId,
      details: { environment: request.env.code, submittedBy: request.submittedById, ...(comment ? { comment } : {}) },
    });
    // Now, and only now, the provider's officers hear of it.
    await emitEvent(tx, "certificate_request.submitted", { id: requestId });
    return { id: requestId, status: "pending" as const, confirmedAt: now };
  });
}
