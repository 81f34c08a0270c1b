import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";

export async function getMe(actor: Actor) {
  authorize(actor, "me:read");
  if (actor.type !== "user") throw new AppError("forbidden", "Only users have a profile.");
  const user = await getDb().user.findUnique({
    where: { id: actor.userId },
    select: { id: true, email: true, name: true, role: true, partnerRole: true, org: { select: { id: true, code: true, legalName: true, groupEmail: true } } },
  });
  if (!user) throw new AppError("unauthenticated", "Your account no longer exists.");
  return user;
}
