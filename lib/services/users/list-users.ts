import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";

export async function listUsers(actor: Actor) {
  authorize(actor, "user:list");
  return getDb().user.findMany({
    orderBy: [{ role: "asc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, disabled: true, createdAt: true, org: { select: { code: true } } },
  });
}
