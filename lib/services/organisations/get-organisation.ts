import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { assertId } from "@/lib/services/scope";

/** One organisation for the admin's edit page, with its users. */
export async function getOrganisation(actor: Actor, id: string) {
  authorize(actor, "organisation:list");
  const org = await getDb().organisation.findUnique({
    where: { id: assertId(id, "organisation") },
    include: { users: { orderBy: { email: "asc" }, select: { id: true, email: true, name: true, role: true, disabled: true } } },
  });
  if (!org) throw new AppError("not_found", `No organisation with id "${id}".`);
  return org;
}
