import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { parseInput } from "@/lib/validation";
import { defineKeyset, pageParams } from "@/lib/db/keyset";

export const listOrganisationsSchema = z.object({ ...pageParams({ defaultLimit: 200, maxLimit: 1000 }) });

// By code (organisations_code_id_idx).
const organisationsKeyset = defineKeyset<Prisma.OrganisationWhereInput, Prisma.OrganisationOrderByWithRelationInput>("organisations", [{ field: "code", type: "string" }], "asc");

/** One page of organisations by code, with the next and previous pages' cursors. */
export async function listOrganisationsPage(actor: Actor, filters: z.input<typeof listOrganisationsSchema> = {}) {
  authorize(actor, "organisation:list");
  const f = parseInput(listOrganisationsSchema, filters ?? {});
  const page = await organisationsKeyset.page(f, ({ where, orderBy, take }) =>
    getDb().organisation.findMany({
      where,
      orderBy,
      take,
      select: { id: true, code: true, legalName: true, groupEmail: true, disabled: true, _count: { select: { users: true } } },
    }),
  );
  return { organisations: page.rows, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/**
 * The first page (see listOrganisationsPage). Pages that offer organisations as filter choices
 * ask for up to 1000, a bound they state rather than reading every row.
 */
export async function listOrganisations(actor: Actor, filters: z.input<typeof listOrganisationsSchema> = { limit: 1000 }) {
  return (await listOrganisationsPage(actor, filters)).organisations;
}
