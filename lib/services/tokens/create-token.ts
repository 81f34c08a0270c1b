import { z } from "zod";
import { getDb, type Tx } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { TOKEN_SCOPES } from "@/lib/auth/permissions";
import { emailSchema } from "@/lib/services/users/schemas";
import { hashToken, newToken, tokenPrefix } from "./token-format";

export const createTokenSchema = z.object({
  userEmail: emailSchema,
  name: z.string().trim().min(1, "Give the token a name.").max(100, "At most 100 characters.").default("api"),
  /** Leave out for every scope. */
  scopes: z
    .preprocess(
      (v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v),
      z.array(z.enum(TOKEN_SCOPES, { message: `Scopes are some of: ${TOKEN_SCOPES.join(", ")}.` })).min(1, "Give at least one scope.").max(TOKEN_SCOPES.length),
    )
    .optional(),
  /** An ISO 8601 date or date-time in the future, at most 2 years ahead; leave out for no expiry. */
  expiresAt: z
    .preprocess((v) => (v === "" || v === null ? undefined : v), z.coerce.date({ message: "Give the expiry as a date (YYYY-MM-DD) or an ISO 8601 date-time." }).optional())
    .refine((d) => d === undefined || (d.getTime() > Date.now() && d.getTime() < Date.now() + 2 * 366 * 86_400_000), "The expiry must be in the future and at most two years ahead."),
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
    return storeToken(tx, actor, user, token, data);
  });
  return { ...record, token };
}

/**
 * Store a new token of a checked user (admins here, partner admins in create-org-token.ts) with its
 * audit row, inside the caller's transaction: only the hash is kept; scopes default to all of them.
 */
export async function storeToken(
  tx: Tx,
  actor: Actor,
  user: { id: string; email: string; orgId: string | null },
  token: string,
  data: { name: string; scopes?: readonly (typeof TOKEN_SCOPES)[number][]; expiresAt?: Date | null },
) {
  const created = await tx.apiToken.create({
    data: {
      userId: user.id,
      name: data.name,
      prefix: tokenPrefix(token),
      tokenHash: hashToken(token),
      scopes: data.scopes ? [...new Set(data.scopes)] : [...TOKEN_SCOPES],
      expiresAt: data.expiresAt ?? null,
    },
    select: { id: true, name: true, prefix: true, createdAt: true, scopes: true, expiresAt: true },
  });
  await recordAudit(tx, actor, {
    action: "token.create",
    orgId: user.orgId,
    targetType: "api_token",
    targetId: created.id,
    details: { userEmail: user.email, name: created.name, prefix: created.prefix, scopes: created.scopes, expiresAt: created.expiresAt?.toISOString() ?? null },
  });
  return created;
}
