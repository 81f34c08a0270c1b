import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { managedOrganisation } from "@/lib/services/org-users/own-organisation";

/** The API tokens of the partner admin's organisation's users: scope, last use and expiry. */
export async function listOrgTokens(actor: Actor, opts: { orgCode?: string } = {}) {
  authorize(actor, "org-token:list");
  const db = getDb();
  const org = await managedOrganisation(db, actor, opts.orgCode);
  return db.apiToken.findMany({
    where: { user: { orgId: org.id, role: "partner" } },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, scopes: true, expiresAt: true, user: { select: { email: true } } },
  });
}
