import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { parseInput } from "@/lib/validation";
import { createOrganisationSchema } from "./schemas";
import { lockOrganisation, orgRefSchema } from "./org-ref";

const blank = (v: unknown) => (v === "" || v === null ? undefined : v);
export const updateOrganisationSchema = z.object({
  organisation: orgRefSchema,
  legalName: z.preprocess(blank, createOrganisationSchema.shape.legalName.optional()),
  groupEmail: z.preprocess(blank, createOrganisationSchema.shape.groupEmail.optional()),
});
export type UpdateOrganisationInput = z.input<typeof updateOrganisationSchema>;

/** Change an organisation's legal name or group mailbox (admin or CLI); audited with the values before and after. */
export async function updateOrganisation(actor: Actor, input: UpdateOrganisationInput) {
  authorize(actor, "organisation:update");
  const data = parseInput(updateOrganisationSchema, input);
  return getDb().$transaction(async (tx) => {
    const org = await lockOrganisation(tx, data.organisation);
    const before = { legalName: org.legalName, groupEmail: org.groupEmail };
    const after = { legalName: data.legalName ?? org.legalName, groupEmail: data.groupEmail ?? org.groupEmail };
    const changed = (Object.keys(before) as (keyof typeof before)[]).filter((k) => before[k] !== after[k]);
    if (!changed.length) return { ...org, changed };
    const updated = await tx.organisation.update({ where: { id: org.id }, data: after });
    const pick = (o: typeof before) => Object.fromEntries(changed.map((k) => [k, o[k]]));
    await recordAudit(tx, actor, {
      action: "organisation.update",
      orgId: org.id,
      targetType: "organisation",
      targetId: org.id,
      details: { code: org.code, before: pick(before), after: pick(after) },
    });
    return { ...updated, changed };
  });
}
