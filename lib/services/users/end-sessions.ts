import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { endUserSessions } from "@/lib/auth/sessions";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { z } from "zod";
import { emailSchema } from "./schemas";

const schema = z.object({ email: emailSchema });

/** End every open session of a user at once (admin or CLI): their next request is signed out, on every instance. */
export async function endSessionsOfUser(actor: Actor, input: z.input<typeof schema>): Promise<{ email: string; ended: number }> {
  authorize(actor, "user:sessions-end");
  const data = parseInput(schema, input);
  return getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: data.email } });
    if (!user) throw new AppError("not_found", `No user with email "${data.email}".`);
    const ended = await endUserSessions(tx, user.id, "ended_by_admin");
    await recordAudit(tx, actor, { action: "user.sessions_ended", orgId: user.orgId, targetType: "user", targetId: user.id, details: { ended } });
    return { email: user.email, ended };
  });
}
