import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/audit/record-audit";
import { endUserSessions } from "@/lib/auth/sessions";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { organisationCode } from "@/lib/services/organisations/schemas";
import { lockUser, userRefSchema } from "./user-ref";
import { DEFAULT_PARTNER_ROLE, partnerRoleSchema } from "./schemas";

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

export const updateUserSchema = z.object({
  user: userRefSchema,
  name: z.preprocess(blankToUndefined, z.string().trim().min(1).max(100, "At most 100 characters.").optional()),
  role: z.preprocess(blankToUndefined, z.enum(ROLES, { message: `Choose one of: ${ROLES.join(", ")}.` }).optional()),
  /** The partner's organisation; leave out to keep it (a role other than partner clears it). */
  orgCode: z.preprocess(blankToUndefined, organisationCode.optional()),
  /** A partner user's role within its organisation; leave out to keep it. */
  partnerRole: partnerRoleSchema,
});
export type UpdateUserInput = z.input<typeof updateUserSchema>;

/**
 * Change a user's name, role or organisation (admin or CLI). A role or organisation change ends
 * the user's sessions and revokes their API tokens (a token made for one role or organisation never
 * speaks for another). The organisation cannot change while the user has open requests (certificate
 * or allowlist requests still pending): they would move to, or stay visible in, the wrong one.
 * The audit row holds the values before and after.
 */
export async function updateUser(actor: Actor, input: UpdateUserInput) {
  authorize(actor, "user:update");
  const data = parseInput(updateUserSchema, input);
  return getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, data.user);
    const role = data.role ?? user.role;
    let orgId = user.orgId;
    let orgCode = user.org?.code ?? null;
    if (data.orgCode !== undefined) {
      const org = await tx.organisation.findUnique({ where: { code: data.orgCode } });
      if (!org) throw new AppError("not_found", `No organisation with code "${data.orgCode}".`, { orgCode: "Unknown organisation." });
      if (org.disabled && org.id !== user.orgId) throw new AppError("conflict", `Organisation "${org.code}" is disabled.`, { orgCode: "This organisation is disabled." });
      orgId = org.id;
      orgCode = org.code;
    } else if (role !== "partner") {
      orgId = null;
      orgCode = null;
    }
    if (role === "partner" && !orgId) throw new AppError("validation_failed", "A partner user must belong to an organisation.", { orgCode: "A partner user must belong to an organisation." });
    if (role !== "partner" && orgId) throw new AppError("validation_failed", `A ${role} user does not belong to an organisation.`, { orgCode: `A ${role} user does not belong to an organisation.` });
    if (role !== "partner" && data.partnerRole) throw new AppError("validation_failed", `A ${role} user has no partner role.`, { partnerRole: `A ${role} user has no partner role.` });
    const partnerRole = role === "partner" ? (data.partnerRole ?? user.partnerRole ?? DEFAULT_PARTNER_ROLE) : null;
    if (actor.type === "user" && actor.userId === user.id && role !== user.role) {
      throw new AppError("conflict", "You cannot change your own role: ask another admin.", { role: "You cannot change your own role." });
    }
    const before = { name: user.name, role: user.role, partnerRole: user.partnerRole, orgCode: user.org?.code ?? null };
    const after = { name: data.name ?? user.name, role, partnerRole, orgCode };
    const changed = (Object.keys(before) as (keyof typeof before)[]).filter((k) => before[k] !== after[k]);
    if (!changed.length) return { id: user.id, email: user.email, changed, sessionsEnded: 0, tokensRevoked: 0 };
    if (orgId !== user.orgId) {
      const [requests, allowlist] = await Promise.all([
        tx.certificateRequest.count({ where: { submittedById: user.id, status: { in: ["pending", "awaiting_partner_confirmation"] } } }),
        tx.allowlistRequest.count({ where: { submittedById: user.id, status: "pending" } }),
      ]);
      if (requests + allowlist) {
        throw new AppError(
          "conflict",
          `${user.email} has ${requests + allowlist} open request(s) in ${user.org?.code ?? "no organisation"}; their organisation can change once those are decided.`,
          { orgCode: "The user has open requests." },
        );
      }
    }
    await tx.user.update({ where: { id: user.id }, data: { name: after.name, role, partnerRole, orgId } });
    let sessionsEnded = 0;
    let tokensRevoked = 0;
    if (role !== user.role || partnerRole !== user.partnerRole || orgId !== user.orgId) {
      sessionsEnded = await endUserSessions(tx, user.id, role !== user.role || partnerRole !== user.partnerRole ? "role_changed" : "org_changed");
      tokensRevoked = (await tx.apiToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } })).count;
    }
    const pick = (o: typeof before) => Object.fromEntries(changed.map((k) => [k, o[k]]));
    await recordAudit(tx, actor, {
      action: "user.update",
      orgId: orgId ?? user.orgId,
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, before: pick(before), after: pick(after), sessionsEnded, tokensRevoked },
    });
    return { id: user.id, email: user.email, changed, sessionsEnded, tokensRevoked };
  });
}
