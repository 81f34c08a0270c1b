import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { organisationCode } from "@/lib/services/organisations/schemas";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";

const blank = (v: unknown) => (v === "" ? undefined : v);
export const USER_STATES = ["active", "disabled"] as const;
export const listUsersSchema = z.object({
  role: z.preprocess(blank, z.enum(ROLES, { message: `role is one of: ${ROLES.join(", ")}.` }).optional()),
  organisation: z.preprocess(blank, organisationCode.optional()),
  state: z.preprocess(blank, z.enum(USER_STATES, { message: "state is active or disabled." }).optional()),
  ...pageParams({ defaultLimit: 200, maxLimit: 1000 }),
});

// By email (unique; users_email_id_idx). Roles are a column of the list, and a filter.
const usersKeyset = defineKeyset<Prisma.UserWhereInput, Prisma.UserOrderByWithRelationInput>("users", [{ field: "email", type: "string" }], "asc");
export type ListUsersFilter = z.input<typeof listUsersSchema>;

/** One page of users by email, filtered by role, organisation (code) and state; an unknown organisation is a 422 naming it. */
export async function listUsersPage(actor: Actor, filter: ListUsersFilter = {}) {
  authorize(actor, "user:list");
  const f = parseInput(listUsersSchema, filter);
  const db = getDb();
  let orgId: string | undefined;
  if (f.organisation) {
    const org = await db.organisation.findUnique({ where: { code: f.organisation }, select: { id: true } });
    if (!org) throw new AppError("validation_failed", `No organisation with code "${f.organisation}".`, { organisation: "Unknown organisation." });
    orgId = org.id;
  }
  const base: Prisma.UserWhereInput = { role: f.role, orgId, disabled: f.state === undefined ? undefined : f.state === "disabled" };
  const page = await usersKeyset.page(f, ({ where, orderBy, take }) =>
    db.user.findMany({
      where: { AND: [base, where] },
      orderBy,
      take,
      select: { id: true, email: true, name: true, role: true, partnerRole: true, disabled: true, createdAt: true, org: { select: { code: true, disabled: true } } },
    }),
  );
  return { users: page.rows, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listUsersPage). */
export async function listUsers(actor: Actor, filter: ListUsersFilter = {}) {
  return (await listUsersPage(actor, filter)).users;
}

/** Past this many active users a form takes an email instead of offering a list. */
export const USER_CHOICES_MAX = 100;

/** The active users' emails a form offers, by email: all of them up to USER_CHOICES_MAX, else null. Reads at most that many + 1 rows. */
export async function userEmailChoices(actor: Actor): Promise<string[] | null> {
  authorize(actor, "user:list");
  const rows = await getDb().user.findMany({ where: { disabled: false }, orderBy: [{ email: "asc" }, { id: "asc" }], take: USER_CHOICES_MAX + 1, select: { email: true } });
  return rows.length > USER_CHOICES_MAX ? null : rows.map((r) => r.email);
}
