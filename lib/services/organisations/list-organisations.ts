import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";

export async function listOrganisations(actor: Actor) {
  authorize(actor, "organisation:list");
  return getDb().organisation.findMany({
    orderBy: { code: "asc" },
    include: { _count: { select: { users: true } } },
  });
}
