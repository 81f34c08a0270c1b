import { getDb } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import type { PartnerRole, Role } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { TOKEN_PATTERN, hashToken } from "./token-format";

type TokenRow = {
  id: string;
  scopes: string[];
  revoked_at: Date | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  user_id: string;
  email: string;
  name: string;
  role: Role;
  partner_role: PartnerRole | null;
  org_id: string | null;
  disabled: boolean;
  org_disabled: boolean;
};

/** Resolve `Authorization: Bearer <token>` to the token's user. */
export async function authenticateToken(authorization: string | null, ip: string | null): Promise<Actor> {
  return (await authenticateApiToken(authorization, ip)).actor;
}

/** The same, with the token's id (the key of its rate limit, lib/api/rate-limit.ts). */
export async function authenticateApiToken(authorization: string | null, ip: string | null): Promise<{ actor: Actor; tokenId: string; scopes: string[] }> {
  if (!authorization) throw new AppError("unauthenticated", "Send an API token as `Authorization: Bearer <token>`.");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new AppError("unauthenticated", "The Authorization header must be `Bearer <token>`.");
  const token = match[1];
  if (!TOKEN_PATTERN.test(token)) throw new AppError("unauthenticated", "Malformed API token.");
  const db = getDb();
  // One statement with plain joins (every API call pays for it: Prisma's include costs twice the
  // CPU of the raw query, lib/db's bench figures in the README's Performance section).
  const rows = await db.$queryRaw<TokenRow[]>`
    SELECT t.id, t.scopes, t.revoked_at, t.expires_at, t.last_used_at,
           u.id AS user_id, u.email, u.name, u.role::text AS role, u.partner_role::text AS partner_role, u.org_id, u.disabled,
           COALESCE(o.disabled, false) AS org_disabled
      FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN organisations o ON o.id = u.org_id
     WHERE t.token_hash = ${hashToken(token)}`;
  const record = rows[0];
  if (!record) throw new AppError("unauthenticated", "Invalid API token.");
  if (record.revoked_at) throw new AppError("unauthenticated", "This API token has been revoked.");
  if (record.expires_at && record.expires_at.getTime() <= Date.now()) throw new AppError("unauthenticated", "This API token has expired.");
  if (record.disabled) throw new AppError("unauthenticated", "The token's user is disabled.");
  if (record.org_disabled) throw new AppError("unauthenticated", "The token's organisation is disabled.");
  // Last-used time is informational; at most one write per minute per token.
  if (!record.last_used_at || Date.now() - record.last_used_at.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  const actor: Actor = { type: "user", userId: record.user_id, email: record.email, name: record.name, role: record.role, partnerRole: record.partner_role, orgId: record.org_id, via: "api", ip };
  return { actor, tokenId: record.id, scopes: record.scopes };
}
