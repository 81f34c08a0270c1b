import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { endUserSessions } from "@/lib/auth/sessions";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { z } from "zod";
import { emailSchema, passwordSchema } from "./schemas";

const schema = z.object({
  email: emailSchema,
  password: z.preprocess((v) => (v === "" ? undefined : v), passwordSchema.optional()),
});

/** Reset a user's password (admin or CLI); returns the generated password when none was given. */
export async function setUserPassword(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "user:create");
  const data = parseInput(schema, input);
  const password = data.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  await getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: data.email } });
    if (!user) throw new AppError("not_found", `No user with email "${data.email}".`);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    // A new password ends every session opened with the old one (a stolen cookie included).
    const sessionsEnded = await endUserSessions(tx, user.id, "password_reset");
    await recordAudit(tx, actor, { action: "user.password_reset", orgId: user.orgId, targetType: "user", targetId: user.id, details: { sessionsEnded } });
  });
  return { generatedPassword: data.password ? null : password };
}
