import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { parseInput } from "@/lib/validation";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import { managedOrganisation } from "./own-organisation";

export const listOrgUsersSchema = z.object({ ...pageParams({ defaultLimit: 200, maxLimit: 1000 }) });

// By email (users_org_id_email_id_idx). The cursor pages the users; open invitations are few (they expire) and come whole, at most MAX_INVITATIONS.
const orgUsersKeyset = defineKeyset<Prisma.UserWhereInput, Prisma.UserOrderByWithRelationInput>("org-users", [{ field: "email", type: "string" }], "asc");
export const MAX_INVITATIONS = 500;

/** The partner admin's organisation: one page of its users (every state) and its open invitations. */
export async function listOrgUsers(actor: Actor, opts: { orgCode?: string } & z.input<typeof listOrgUsersSchema> = {}) {
  authorize(actor, "org-user:list");
  const { orgCode, ...paging } = opts ?? {};
  const f = parseInput(listOrgUsersSchema, paging);
  const db = getDb();
  const org = await managedOrganisation(db, actor, orgCode);
  const [page, invitations] = await Promise.all([
    orgUsersKeyset.page(f, ({ where, orderBy, take }) =>
      db.user.findMany({
        where: { AND: [{ orgId: org.id, role: "partner" }, where] },
        orderBy,
        take,
        select: { id: true, email: true, name: true, partnerRole: true, disabled: true, createdAt: true },
      }),
    ),
    db.invitation.findMany({
      where: { orgId: org.id, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: MAX_INVITATIONS,
      select: { id: true, email: true, partnerRole: true, expiresAt: true, createdAt: true },
    }),
  ]);
  return { organisation: { code: org.code, legalName: org.legalName }, users: page.rows, nextCursor: page.nextCursor, prevCursor: page.prevCursor, invitations };
}
