import { getDb } from "@/lib/db/client";
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
