import { getDb } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { TOKEN_PATTERN, hashToken } from "./token-format";

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
  const record = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: { include: { org: { select: { disabled: true } } } } } });
  if (!record) throw new AppError("unauthenticated", "Invalid API token.");
  if (record.revokedAt) throw new AppError("unauthenticated", "This API token has been revoked.");
  if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) throw new AppError("unauthenticated", "This API token has expired.");
  if (record.user.disabled) throw new AppError("unauthenticated", "The token's user is disabled.");
  if (record.user.org?.disabled) throw new AppError("unauthenticated", "The token's organisation is disabled.");
  // Last-used time is informational; at most one write per minute per token.
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  const u = record.user;
  return { actor: { type: "user", userId: u.id, email: u.email, name: u.name, role: u.role, partnerRole: u.partnerRole, orgId: u.orgId, via: "api", ip }, tokenId: record.id, scopes: record.scopes };
}
