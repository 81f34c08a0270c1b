import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { parseInput } from "@/lib/validation";
import { defineKeyset, pageParams } from "@/lib/db/keyset";

// A short list (PPR, PRD, …), paged like every other list for one shape of API.
export const listEnvironmentsSchema = z.object({ ...pageParams({ defaultLimit: 200, maxLimit: 1000 }) });

// Non-production first, then by code (environments_production_code_id_idx): pages that offer
// environments as a choice default to the first.
const environmentsKeyset = defineKeyset<Prisma.EnvironmentWhereInput, Prisma.EnvironmentOrderByWithRelationInput>(
  "environments",
  [
    { field: "production", type: "boolean" },
    { field: "code", type: "string" },
  ],
  "asc",
);

/** What lists of environments show (the API, choices and tables on pages). */
const environmentSelect = { id: true, code: true, name: true, production: true, approvalsRequired: true, jwsAlgorithms: true } as const;

/** One page of environments, with the next and previous pages' cursors. */
export async function listEnvironmentsPage(actor: Actor, filters: z.input<typeof listEnvironmentsSchema> = {}) {
  authorize(actor, "environment:list");
  const f = parseInput(listEnvironmentsSchema, filters ?? {});
  const page = await environmentsKeyset.page(f, ({ where, orderBy, take }) => getDb().environment.findMany({ where, orderBy, take, select: environmentSelect }));
  return { environments: page.rows, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/**
 * The first page (see listEnvironmentsPage). Pages that offer environments as choices ask for up
 * to 1000, a bound they state rather than reading every row.
 */
export async function listEnvironments(actor: Actor, filters: z.input<typeof listEnvironmentsSchema> = { limit: 1000 }) {
  return (await listEnvironmentsPage(actor, filters)).environments;
}
