import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { endUserSessions } from "@/lib/auth/sessions";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { lockOrgUser, managedOrganisation } from "./own-organisation";
import { orgUserSchema } from "./schemas";

/** A partner admin disables a user of its own organisation: sessions end at once, tokens are refused. */
export async function disableOrgUser(actor: Actor, input: z.input<typeof orgUserSchema>) {
  authorize(actor, "org-user:disable");
  const data = parseInput(orgUserSchema, input);
  return getDb().$transaction(async (tx) => {
    const org = await managedOrganisation(tx, actor, data.orgCode);
    const user = await lockOrgUser(tx, org.id, data.user);
    if (actor.type === "user" && actor.userId === user.id) throw new AppError("conflict", "You cannot disable your own account.");
    if (user.disabled) return { id: user.id, email: user.email, disabled: true, sessionsEnded: 0 };
    await tx.user.update({ where: { id: user.id }, data: { disabled: true } });
    const sessionsEnded = await endUserSessions(tx, user.id, "disabled");
    await recordAudit(tx, actor, {
      action: "user.disable",
      orgId: org.id,
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, before: { disabled: false }, after: { disabled: true }, sessionsEnded },
    });
    return { id: user.id, email: user.email, disabled: true, sessionsEnded };
  });
}

/** Enable a disabled user of the partner admin's own organisation again. */
export async function enableOrgUser(actor: Actor, input: z.input<typeof orgUserSchema>) {
  authorize(actor, "org-user:disable");
  const data = parseInput(orgUserSchema, input);
  return getDb().$transaction(async (tx) => {
    const org = await managedOrganisation(tx, actor, data.orgCode);
    const user = await lockOrgUser(tx, org.id, data.user);
    if (!user.disabled) return { id: user.id, email: user.email, disabled: false, sessionsEnded: 0 };
    await tx.user.update({ where: { id: user.id }, data: { disabled: false } });
    await recordAudit(tx, actor, {
      action: "user.enable",
      orgId: org.id,
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, before: { disabled: true }, after: { disabled: false } },
    });
    return { id: user.id, email: user.email, disabled: false, sessionsEnded: 0 };
  });
}
