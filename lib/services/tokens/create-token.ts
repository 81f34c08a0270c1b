import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { emailSchema } from "@/lib/services/users/schemas";
import { hashToken, newToken, tokenPrefix } from "./token-format";

export const createTokenSchema = z.object({
  userEmail: emailSchema,
  name: z.string().trim().min(1, "Give the token a name.").max(100, "At most 100 characters.").default("api"),
});

/** Create an API token for a user. The token is returned once; only its hash is stored. */
export async function createToken(actor: Actor, input: z.input<typeof createTokenSchema>) {
  authorize(actor, "token:create");
  const data = parseInput(createTokenSchema, input);
  const token = newToken();
  const record = await getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: data.userEmail } });
    if (!user) throw new AppError("not_found", `No user with email "${data.userEmail}".`, { userEmail: "Unknown user." });
    if (user.disabled) throw new AppError("conflict", `User "${data.userEmail}" is disabled.`, { userEmail: "User is disabled." });
    const created = await tx.apiToken.create({
      data: { userId: user.id, name: data.name, prefix: tokenPrefix(token), tokenHash: hashToken(token) },
      select: { id: true, name: true, prefix: true, createdAt: true },
    });
    await recordAudit(tx, actor, {
      action: "token.create",
      orgId: user.orgId,
      targetType: "api_token",
      targetId: created.id,
      details: { userEmail: user.email, name: created.name, prefix: created.prefix },
    });
    return created;
  });
  return { ...record, token };
}
