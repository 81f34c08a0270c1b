import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { parseInput } from "@/lib/validation";
import { pageParams } from "@/lib/db/keyset";
import { managedOrganisation } from "@/lib/services/org-users/own-organisation";
import { tokenListSelect, tokensKeyset } from "./list-tokens";

export const listOrgTokensSchema = z.object({ ...pageParams({ defaultLimit: 200, maxLimit: 1000 }) });

/** One page of the API tokens of the partner admin's organisation's users (scope, last use, expiry), newest first. */
export async function listOrgTokensPage(actor: Actor, opts: { orgCode?: string } & z.input<typeof listOrgTokensSchema> = {}) {
  authorize(actor, "org-token:list");
  const { orgCode, ...paging } = opts ?? {};
  const f = parseInput(listOrgTokensSchema, paging);
  const db = getDb();
  const org = await managedOrganisation(db, actor, orgCode);
  const page = await tokensKeyset.page(f, ({ where, orderBy, take }) =>
    db.apiToken.findMany({ where: { AND: [{ user: { orgId: org.id, role: "partner" } }, where] }, orderBy, take, select: tokenListSelect }),
  );
  return { tokens: page.rows, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listOrgTokensPage). */
export async function listOrgTokens(actor: Actor, opts: { orgCode?: string } & z.input<typeof listOrgTokensSchema> = {}) {
  return (await listOrgTokensPage(actor, opts)).tokens;
}
