import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { endUserSessions } from "@/lib/auth/sessions";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { lockOrgUser, managedOrganisation } from "./own-organisation";
import { changeOrgUserRoleSchema } from "./schemas";

/**
 * A partner admin changes the role of a user of its own organisation. Like a provider admin's role
 * change, it ends the user's sessions and revokes their API tokens. Nobody changes their own role
 * (the organisation would lose its last admin).
 */
export async function changeOrgUserRole(actor: Actor, input: { user: z.input<typeof changeOrgUserRoleSchema>["user"]; partnerRole?: unknown; orgCode?: unknown }) {
  authorize(actor, "org-user:update");
  const data = parseInput(changeOrgUserRoleSchema, input);
  return getDb().$transaction(async (tx) => {
    const org = await managedOrganisation(tx, actor, data.orgCode);
    const user = await lockOrgUser(tx, org.id, data.user);
    if (actor.type === "user" && actor.userId === user.id) throw new AppError("conflict", "You cannot change your own role: ask another partner admin.", { partnerRole: "You cannot change your own role." });
    if (user.partnerRole === data.partnerRole) return { id: user.id, email: user.email, partnerRole: user.partnerRole, changed: false, sessionsEnded: 0, tokensRevoked: 0 };
    await tx.user.update({ where: { id: user.id }, data: { partnerRole: data.partnerRole } });
    const sessionsEnded = await endUserSessions(tx, user.id, "role_changed");
    const tokensRevoked = (await tx.apiToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } })).count;
    await recordAudit(tx, actor, {
      action: "user.update",
      orgId: org.id,
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, before: { partnerRole: user.partnerRole }, after: { partnerRole: data.partnerRole }, sessionsEnded, tokensRevoked },
    });
    return { id: user.id, email: user.email, partnerRole: data.partnerRole, changed: true, sessionsEnded, tokensRevoked };
  });
}
