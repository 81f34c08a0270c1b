import { z } from "zod";
import type { Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { assertId } from "@/lib/services/scope";
import { organisationCode } from "./schemas";

/** An organisation named by id (the API's paths) or by code (the CLI and the admin pages): exactly one. */
export const orgRefSchema = z
  .object({ id: z.string().optional(), code: organisationCode.optional() })
  .refine((v) => !!v.id !== !!v.code, { message: "Name the organisation by id or by code (one of them).", path: ["code"] });
export type OrgRef = z.input<typeof orgRefSchema>;

/** The organisation, locked FOR UPDATE in the caller's transaction, or 404. */
export async function lockOrganisation(tx: Tx, ref: z.output<typeof orgRefSchema>) {
  const org = await tx.organisation.findUnique({ where: ref.id ? { id: assertId(ref.id, "organisation") } : { code: ref.code! } });
  if (!org) throw new AppError("not_found", ref.id ? `No organisation with id "${ref.id}".` : `No organisation with code "${ref.code}".`);
  await tx.$queryRaw`SELECT id FROM organisations WHERE id = ${org.id}::uuid FOR UPDATE`;
  return org;
}
