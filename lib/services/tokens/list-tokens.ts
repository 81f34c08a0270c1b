import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";

export async function listTokens(actor: Actor) {
  authorize(actor, "token:list");
  return getDb().apiToken.findMany({
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, scopes: true, expiresAt: true, user: { select: { email: true } } },
  });
}
