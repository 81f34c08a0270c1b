import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { type CreateEnvironmentInput, createEnvironmentSchema } from "./schemas";

export async function createEnvironment(actor: Actor, input: CreateEnvironmentInput) {
  authorize(actor, "environment:create");
  const data = parseInput(createEnvironmentSchema, input);
  try {
    return await getDb().$transaction(async (tx) => {
      const env = await tx.environment.create({ data: { ...data, partnerConfirmation: data.partnerConfirmation ?? false } });
      await recordAudit(tx, actor, {
        action: "environment.create",
        targetType: "environment",
        targetId: env.id,
        details: { code: env.code, name: env.name, approvalsRequired: env.approvalsRequired, production: env.production, minPartnerOfficers: env.minPartnerOfficers, partnerConfirmation: env.partnerConfirmation },
      });
      return env;
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError("conflict", `An environment with code "${data.code}" already exists.`, { code: "Already taken." });
    }
    throw e;
  }
}
