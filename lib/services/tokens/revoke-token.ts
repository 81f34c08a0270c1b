import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { TOKEN_PATTERN, hashToken } from "./token-format";

export const revokeTokenSchema = z.union([
  z.object({ id: z.string().uuid("Give a token id (a UUID).") }),
  z.object({ token: z.string().regex(TOKEN_PATTERN, "That is not a Keyport API token.") }),
]);

/** Revoke a token by id or by its full value. Revoking twice is a 409. */
export async function revokeToken(actor: Actor, input: z.input<typeof revokeTokenSchema>) {
  authorize(actor, "token:revoke");
  const data = parseInput(revokeTokenSchema, input);
  const where = "id" in data ? { id: data.id } : { tokenHash: hashToken(data.token) };
  return getDb().$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where, include: { user: { select: { email: true, orgId: true } } } });
    if (!token) throw new AppError("not_found", "No such API token.");
    if (token.revokedAt) throw new AppError("conflict", `API token ${token.prefix}… was already revoked.`);
    // Conditional update: two concurrent revocations cannot both succeed.
    const { count } = await tx.apiToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count !== 1) throw new AppError("conflict", `API token ${token.prefix}… was already revoked.`);
    await recordAudit(tx, actor, {
      action: "token.revoke",
      orgId: token.user.orgId,
      targetType: "api_token",
      targetId: token.id,
      details: { userEmail: token.user.email, prefix: token.prefix },
    });
    return { id: token.id, prefix: token.prefix };
  });
}
