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

/** Past this many organisations a form takes an organisation code instead of offering a list (a list of a thousand is no help to pick from, and it was most of a page's bytes). */
export const ORGANISATION_LIST_MAX = 100;

/**
 * The organisations a form offers as choices, by code: all of them when there are at most
 * ORGANISATION_LIST_MAX, else null (the form then takes a code). Reads at most that many + 1 rows.
 */
export async function organisationChoices(actor: Actor): Promise<{ code: string; legalName: string; disabled: boolean }[] | null> {
  authorize(actor, "organisation:list");
  const rows = await getDb().organisation.findMany({ orderBy: [{ code: "asc" }, { id: "asc" }], take: ORGANISATION_LIST_MAX + 1, select: { code: true, legalName: true, disabled: true } });
  return rows.length > ORGANISATION_LIST_MAX ? null : rows;
}
