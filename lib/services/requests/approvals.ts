import { z } from "zod";
import type { Tx } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { orgScope } from "@/lib/services/scope";
import { describeInput } from "@/lib/validation";

export const approveSchema = z.object({
  comment: describeInput(
    z
      .string({ message: "The comment must be text." })
      .trim()
      .max(1000, "At most 1000 characters.")
      .optional()
      .transform((v) => v || null),
    { multiline: true },
  ),
});

export const rejectSchema = z.object({
  reason: describeInput(
    z.string({ message: "Give a reason; the partner sees it." }).trim().min(1, "Give a reason; the partner sees it.").max(1000, "At most 1000 characters."),
    { multiline: true },
  ),
});

/** One approval as shown: officers see who (with email) and their comment; partners see a name and a time. */
export type ApprovalView = { officer: string; at: Date; officerId?: string; email?: string; comment?: string | null };

/**
 * The provider's internal detail of a decision stays with the provider: for a partner
 * (an actor scoped to an organisation, see orgScope) approvals keep the officer's name and time only,
 * and an approval's comment is left out of the timeline. A rejection's reason is meant
 * for the partner and stays.
 */
export function forAudience<T extends { approvals: ApprovalView[]; timeline?: { event: string; detail: string | null }[] }>(actor: Actor, view: T): T {
  if (orgScope(actor) === null) return view;
  return {
    ...view,
    approvals: view.approvals.map((a) => ({ officer: a.officer, at: a.at })),
    ...(view.timeline ? { timeline: view.timeline.map((t) => (t.event === "approved" ? { ...t, detail: null } : t)) } : {}),
  };
}

type Target =
  | { kind: "certificate"; requestId: string }
  | { kind: "allowlist"; requestId: string }
  | { kind: "server_chain"; requestId: string }
  | { kind: "provider_certificate"; requestId: string }
  // Endpoint registry (issue 18, item 5)
  | { kind: "endpoint"; requestId: string }
  // JWS signing keys (issue 18)
  | { kind: "jws_key"; requestId: string };

const approvalWhere = (target: Target) => {
  switch (target.kind) {
    case "certificate":
      return { certificateRequestId: target.requestId };
    case "allowlist":
      return { allowlistRequestId: target.requestId };
    case "server_chain":
      return { serverChainId: target.requestId };
    case "provider_certificate":
      return { providerCertificateRequestId: target.requestId };
    case "endpoint":
      return { endpointId: target.requestId };
    case "jws_key":
      return { jwsKeyId: target.requestId };
  }
};

/**
 * Record one officer's decision on a request, enforcing separation of duties:
 * the submitter never reviews their own request and an officer decides once
 * (a unique index backs this up under races). Returns the number of approvals.
 */
export async function recordDecision(
  tx: Tx,
  actor: Actor,
  target: Target,
  request: { submittedById: string | null },
  decision: { decision: "approve" | "reject"; comment: string | null },
): Promise<number> {
  if (actor.type !== "user") throw new AppError("forbidden", "Only a signed-in security officer can approve or reject requests.");
  if (request.submittedById && request.submittedById === actor.userId) {
    throw new AppError("forbidden", "You submitted this request; another officer must review it.");
  }
  const where = approvalWhere(target);
  const mine = await tx.approval.findFirst({ where: { ...where, officerId: actor.userId } });
  if (mine) throw new AppError("conflict", "You have already approved this request; a different officer must give the next approval.");
  try {
    await tx.approval.create({ data: { ...where, officerId: actor.userId, decision: decision.decision, comment: decision.comment } });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "You have already approved this request; a different officer must give the next approval.");
    throw e;
  }
  return tx.approval.count({ where: { ...where, decision: "approve" } });
}

export function alreadyDecided(what: string, status: string): AppError {
  if (status === "awaiting_partner_confirmation") return new AppError("conflict", `This ${what} still waits for a second partner security officer's confirmation; nothing was changed.`);
  return new AppError("conflict", `This ${what} is already ${status}; nothing was changed.`);
}
