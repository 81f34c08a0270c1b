import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { type CreateOrganisationInput, createOrganisationSchema } from "./schemas";

export async function createOrganisation(actor: Actor, input: CreateOrganisationInput) {
  authorize(actor, "organisation:create");
  const data = parseInput(createOrganisationSchema, input);
  try {
    return await getDb().$transaction(async (tx) => {
      const org = await tx.organisation.create({ data });
      await recordAudit(tx, actor, {
        action: "organisation.create",
        orgId: org.id,
        targetType: "organisation",
        targetId: org.id,
        details: { code: org.code, legalName: org.legalName, groupEmail: org.groupEmail },
      });
      return org;
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError("conflict", `An organisation with code "${data.code}" already exists.`, { code: "Already taken." });
    }
    throw e;
  }
}
