import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { parseInput } from "@/lib/validation";
import { defineKeyset, pageParams } from "@/lib/db/keyset";

export const listTokensSchema = z.object({ ...pageParams({ defaultLimit: 200, maxLimit: 1000 }) });

/** Newest first (api_tokens_created_at_id_idx); shared with the partner admins' list of their organisation's tokens. */
export const tokensKeyset = defineKeyset<Prisma.ApiTokenWhereInput, Prisma.ApiTokenOrderByWithRelationInput>("api-tokens", [{ field: "createdAt", type: "date" }], "desc");

/** What a token list shows (never the hash). */
export const tokenListSelect = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  scopes: true,
  expiresAt: true,
  user: { select: { email: true } },
} satisfies Prisma.ApiTokenSelect;

/** One page of every API token, newest first, with the next and previous pages' cursors. */
export async function listTokensPage(actor: Actor, filters: z.input<typeof listTokensSchema> = {}) {
  authorize(actor, "token:list");
  const f = parseInput(listTokensSchema, filters ?? {});
  const page = await tokensKeyset.page(f, ({ where, orderBy, take }) => getDb().apiToken.findMany({ where, orderBy, take, select: tokenListSelect }));
  return { tokens: page.rows, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listTokensPage). */
export async function listTokens(actor: Actor, filters: z.input<typeof listTokensSchema> = {}) {
  return (await listTokensPage(actor, filters)).tokens;
}
