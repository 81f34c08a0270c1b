import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { endUserSessions } from "@/lib/auth/sessions";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { lockUser, userRefSchema } from "./user-ref";

const schema = z.object({ user: userRefSchema });

/**
 * Disable a user (admin or CLI): their sessions end in the same transaction and their API tokens
 * are refused from the next call (authenticate-token.ts reads the user on every call); nothing is
 * deleted. An admin cannot disable themselves (the last admin would lock everyone out).
 */
export async function disableUser(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "user:disable");
  const data = parseInput(schema, input);
  return getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, data.user);
    if (actor.type === "user" && actor.userId === user.id) throw new AppError("conflict", "You cannot disable your own account.");
    if (user.disabled) return { id: user.id, email: user.email, disabled: true, sessionsEnded: 0 };
    await tx.user.update({ where: { id: user.id }, data: { disabled: true } });
    const sessionsEnded = await endUserSessions(tx, user.id, "disabled");
    await recordAudit(tx, actor, {
      action: "user.disable",
      orgId: user.orgId,
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, before: { disabled: false }, after: { disabled: true }, sessionsEnded },
    });
    return { id: user.id, email: user.email, disabled: true, sessionsEnded };
  });
}

/** Enable a disabled user again (their old sessions stay ended; unrevoked tokens work again). */
export async function enableUser(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "user:disable");
  const data = parseInput(schema, input);
  return getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, data.user);
    if (!user.disabled) return { id: user.id, email: user.email, disabled: false, sessionsEnded: 0 };
    await tx.user.update({ where: { id: user.id }, data: { disabled: false } });
    await recordAudit(tx, actor, {
      action: "user.enable",
      orgId: user.orgId,
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, before: { disabled: true }, after: { disabled: false } },
    });
    return { id: user.id, email: user.email, disabled: false, sessionsEnded: 0 };
  });
}
