import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { managedOrganisation } from "./own-organisation";

/** The partner admin's organisation: its users (every state) and its open invitations. */
export async function listOrgUsers(actor: Actor, opts: { orgCode?: string } = {}) {
  authorize(actor, "org-user:list");
  const db = getDb();
  const org = await managedOrganisation(db, actor, opts.orgCode);
  const [users, invitations] = await Promise.all([
    db.user.findMany({
      where: { orgId: org.id, role: "partner" },
      orderBy: { email: "asc" },
      select: { id: true, email: true, name: true, partnerRole: true, disabled: true, createdAt: true },
    }),
    db.invitation.findMany({
      where: { orgId: org.id, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: "desc" },
      select: { id: true, email: true, partnerRole: true, expiresAt: true, createdAt: true },
    }),
  ]);
  return { organisation: { code: org.code, legalName: org.legalName }, users, invitations };
}
