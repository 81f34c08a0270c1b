import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { parseInput } from "@/lib/validation";
import { orgScope } from "@/lib/services/scope";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";

/** A partner's own organisation with its members; scoped by the actor's organisation. */
export async function getMyOrganisation(actor: Actor) {
  authorize(actor, "organisation:read-own");
  if (actor.type !== "user" || !actor.orgId) throw new AppError("not_found", "You do not belong to an organisation.");
  const org = await getDb().organisation.findUnique({
    where: { id: actor.orgId },
    include: { users: { select: { id: true, email: true, name: true, role: true }, orderBy: { email: "asc" } } },
  });
  if (!org) throw new AppError("not_found", "Your organisation no longer exists.");
  return org;
}

export const updateMyOrganisationSchema = z.object({
  groupEmail: z.string({ message: "Give the group email." }).trim().toLowerCase().email("Give a valid email address for the certificate-management group."),
});

/** A partner updates its organisation's certificate-management group email (audited). */
export async function updateMyOrganisation(actor: Actor, input: z.input<typeof updateMyOrganisationSchema>) {
  authorize(actor, "organisation:update-own");
  const orgId = orgScope(actor);
  if (!orgId) throw new AppError("forbidden", "You do not belong to an organisation.");
  const data = parseInput(updateMyOrganisationSchema, input ?? {});
  return getDb().$transaction(async (tx) => {
    const before = await tx.organisation.findUniqueOrThrow({ where: { id: orgId } });
    const org = await tx.organisation.update({ where: { id: orgId }, data: { groupEmail: data.groupEmail } });
    await recordAudit(tx, actor, {
      action: "organisation.update",
      orgId,
      targetType: "organisation",
      targetId: orgId,
      details: { groupEmail: { from: before.groupEmail, to: org.groupEmail } },
    });
    return org;
  });
}
