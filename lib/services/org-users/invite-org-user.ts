import { createHash, randomBytes } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { actorName, emitEvent } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { actorUserId } from "@/lib/services/scope";
import { managedOrganisation } from "./own-organisation";
import { type InviteUserInput, inviteUserSchema } from "./schemas";

/** How long an invitation link works (KEYPORT_INVITATION_HOURS, default 72 hours). */
export function invitationLifetimeMs(): number {
  const hours = Number(process.env.KEYPORT_INVITATION_HOURS ?? 72);
  return (Number.isFinite(hours) && hours > 0 ? Math.min(hours, 24 * 30) : 72) * 3_600_000;
}

/** kpi_ + 43 base64url characters (32 random bytes); stored only as its SHA-256. */
export function newInvitationToken(): string {
  return `kpi_${randomBytes(32).toString("base64url")}`;
}
export const hashInvitationToken = (token: string) => createHash("sha256").update(`keyport-invitation:${token}`).digest("hex");
/** In the query string: the request log drops it (lib/server/keyport-server.ts), a path would be logged. */
export const invitationPath = (token: string) => `/invite?token=${token}`;

/**
 * A partner admin invites someone to its own organisation, in a role within it. The invitee gets a
 * mail (the notification outbox) with a single-use link that expires; the user is created when they
 * set a password (accept-invitation.ts). A new invitation to the same address replaces the open one.
 * Only the CLI is given the link back (for installations without SMTP); the web never shows it.
 */
export async function inviteOrgUser(actor: Actor, input: { [K in keyof InviteUserInput]?: unknown }) {
  authorize(actor, "org-user:invite");
  const data = parseInput(inviteUserSchema, input);
  const token = newInvitationToken();
  return getDb().$transaction(async (tx) => {
    const org = await managedOrganisation(tx, actor, data.orgCode);
    if (org.disabled) throw new AppError("conflict", `Organisation "${org.code}" is disabled.`);
    if (await tx.user.findUnique({ where: { email: data.email }, select: { id: true } })) {
      throw new AppError("conflict", `${data.email} already has a Keyport account.`, { email: "Already registered." });
    }
    const replaced = await tx.invitation.updateMany({ where: { orgId: org.id, email: data.email, usedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    const invitation = await tx.invitation.create({
      data: {
        orgId: org.id,
        email: data.email,
        name: data.name ?? "",
        partnerRole: data.partnerRole,
        tokenHash: hashInvitationToken(token),
        invitedById: actorUserId(actor),
        expiresAt: new Date(Date.now() + invitationLifetimeMs()),
      },
      select: { id: true, email: true, partnerRole: true, expiresAt: true },
    });
    await recordAudit(tx, actor, {
      action: "user.invite",
      orgId: org.id,
      targetType: "invitation",
      targetId: invitation.id,
      details: { email: invitation.email, partnerRole: invitation.partnerRole, expiresAt: invitation.expiresAt.toISOString(), replaced: replaced.count },
    });
    await emitEvent(tx, "user.invited", { id: invitation.id, by: actorName(actor) }, { mailTo: { email: invitation.email, link: invitationPath(token) } });
    return { ...invitation, organisation: org.code, link: actor.type === "system" ? invitationPath(token) : null };
  });
}
