import { getDb } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { hashPassword } from "@/lib/auth/password";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { hashInvitationToken } from "./invite-org-user";
import { type AcceptInvitationInput, acceptInvitationSchema } from "./schemas";

const unusable = () => new AppError("not_found", "This invitation link is not valid any more: it was used, withdrawn or has expired. Ask your organisation's admin for a new one.");

/** What the invitation page shows before the invitee sets a password (nothing secret; null when unusable). */
export async function readInvitation(token: string) {
  if (!/^kpi_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const inv = await getDb().invitation.findUnique({ where: { tokenHash: hashInvitationToken(token) }, include: { org: { select: { code: true, legalName: true, disabled: true } } } });
  if (!inv || inv.usedAt || inv.revokedAt || inv.expiresAt.getTime() <= Date.now() || inv.org.disabled) return null;
  return { email: inv.email, name: inv.name, partnerRole: inv.partnerRole, organisation: inv.org.legalName, expiresAt: inv.expiresAt };
}

/**
 * The invitee sets a password: the user is created in the invitation's organisation and role, and
 * the invitation is spent in the same transaction. Single use even under races: the invitation is
 * claimed by a conditional update (unused, not withdrawn, not expired), which only one caller wins.
 * Anyone holding the link may call this (it is how the invitee proves they read the mail).
 */
export async function acceptInvitation(input: AcceptInvitationInput) {
  const data = parseInput(acceptInvitationSchema, input);
  // A link that cannot work is refused before the (deliberately slow) password hash.
  if (!(await readInvitation(data.token))) throw unusable();
  const passwordHash = await hashPassword(data.password);
  try {
    return await getDb().$transaction(async (tx) => {
      const inv = await tx.invitation.findUnique({ where: { tokenHash: hashInvitationToken(data.token) }, include: { org: { select: { code: true, disabled: true } } } });
      if (!inv || inv.org.disabled) throw unusable();
      const now = new Date();
      const claimed = await tx.invitation.updateMany({ where: { id: inv.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
      if (claimed.count !== 1) throw unusable();
      const user = await tx.user.create({
        data: { email: inv.email, name: data.name || inv.name || inv.email.split("@")[0], role: "partner", partnerRole: inv.partnerRole, orgId: inv.orgId, passwordHash },
        select: { id: true, email: true, name: true, role: true, partnerRole: true, orgId: true },
      });
      await tx.invitation.update({ where: { id: inv.id }, data: { acceptedUserId: user.id } });
      await recordAudit(
        tx,
        { type: "user", userId: user.id, email: user.email, name: user.name, role: "partner", partnerRole: user.partnerRole, orgId: user.orgId, via: "web", ip: null },
        { action: "user.invitation_accept", orgId: inv.orgId, targetType: "user", targetId: user.id, details: { invitation: inv.id, email: user.email, partnerRole: user.partnerRole, orgCode: inv.org.code } },
      );
      return { email: user.email, partnerRole: user.partnerRole, organisation: inv.org.code };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "An account with this email address exists already: sign in instead.");
    throw e;
  }
}
