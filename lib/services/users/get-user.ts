import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { assertId } from "@/lib/services/scope";

/** One user for the admin's edit page, with their open sessions and API tokens counted. */
export async function getUser(actor: Actor, id: string) {
  authorize(actor, "user:list");
  const user = await getDb().user.findUnique({
    where: { id: assertId(id, "user") },
    select: {
      id: true,
      email: true,
      name: true,
      role: true, partnerRole: true,
      disabled: true,
      createdAt: true,
      totpEnabledAt: true,
      org: { select: { code: true, disabled: true } },
      _count: { select: { sessions: { where: { endedAt: null, expiresAt: { gt: new Date() } } }, tokens: { where: { revokedAt: null } } } },
    },
  });
  if (!user) throw new AppError("not_found", `No user with id "${id}".`);
  return user;
}
