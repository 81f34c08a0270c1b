import { z } from "zod";
import { getDb, type Tx } from "@/lib/db/client";
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
  return getDb().$transaction(async (tx) => setUserDisabled(tx, actor, await lockUser(tx, data.user), true));
}

/** Enable a disabled user again (their old sessions stay ended; unrevoked tokens work again). */
export async function enableUser(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "user:disable");
  const data = parseInput(schema, input);
  return getDb().$transaction(async (tx) => setUserDisabled(tx, actor, await lockUser(tx, data.user), false));
}

/**
 * Disable or enable a locked user inside the caller's transaction (admins here, partner admins in
 * org-users/set-org-user-disabled.ts): a no-op when already so; disabling ends the sessions and
 * refuses the actor's own account; one audit row with before and after.
 */
export async function setUserDisabled(tx: Tx, actor: Actor, user: { id: string; email: string; disabled: boolean; orgId: string | null }, disabled: boolean) {
  if (disabled && actor.type === "user" && actor.userId === user.id) throw new AppError("conflict", "You cannot disable your own account.");
  if (user.disabled === disabled) return { id: user.id, email: user.email, disabled, sessionsEnded: 0 };
  await tx.user.update({ where: { id: user.id }, data: { disabled } });
  const sessionsEnded = disabled ? await endUserSessions(tx, user.id, "disabled") : 0;
  await recordAudit(tx, actor, {
    action: disabled ? "user.disable" : "user.enable",
    orgId: user.orgId,
    targetType: "user",
    targetId: user.id,
    details: { email: user.email, before: { disabled: !disabled }, after: { disabled }, ...(disabled ? { sessionsEnded } : {}) },
  });
  return { id: user.id, email: user.email, disabled, sessionsEnded };
}
