import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";
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
  // One statement: the officer's earlier decision (if any), the new one inserted when there is none,
  // and the approvals so far. Run after the caller locked the request, so it sees every decision
  // committed before (a statement's snapshot is taken when it starts).
  const column = Prisma.raw(APPROVAL_COLUMN[target.kind]);
  const [row] = await tx.$queryRaw<{ mine: boolean; approvals: number }[]>`
    WITH prior AS (SELECT officer_id, decision FROM approvals WHERE ${column} = ${target.requestId}::uuid),
    ins AS (
      INSERT INTO approvals (id, ${column}, officer_id, decision, comment, created_at)
      SELECT ${randomUUID()}::uuid, ${target.requestId}::uuid, ${actor.userId}::uuid, ${decision.decision}::"ApprovalDecision", ${decision.comment}, now()
      WHERE NOT EXISTS (SELECT 1 FROM prior WHERE officer_id = ${actor.userId}::uuid)
      RETURNING decision)
    SELECT EXISTS (SELECT 1 FROM prior WHERE officer_id = ${actor.userId}::uuid) AS mine,
           ((SELECT count(*) FROM prior WHERE decision = 'approve') + (SELECT count(*) FROM ins WHERE decision = 'approve'))::int AS approvals`.catch((e: unknown) => {
    if (isUniqueViolation(e)) throw new AppError("conflict", "You have already approved this request; a different officer must give the next approval.");
    throw e;
  });
  if (row.mine) throw new AppError("conflict", "You have already approved this request; a different officer must give the next approval.");
  return row.approvals;
}

/** The approvals column of each kind of target (SQL identifiers: fixed here, never input). */
const APPROVAL_COLUMN: Record<Target["kind"], string> = {
  certificate: "certificate_request_id",
  allowlist: "allowlist_request_id",
  server_chain: "server_chain_id",
  provider_certificate: "provider_certificate_request_id",
  endpoint: "endpoint_id",
  jws_key: "jws_key_id",
};

export function alreadyDecided(what: string, status: string): AppError {
  if (status === "awaiting_partner_confirmation") return new AppError("conflict", `This ${what} still waits for a second partner security officer's confirmation; nothing was changed.`);
  return new AppError("conflict", `This ${what} is already ${status}; nothing was changed.`);
}
