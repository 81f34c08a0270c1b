import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { type UpdateEnvironmentInput, updateEnvironmentSchema } from "./schemas";

/** Change an environment's partner-side rules (minimum partner security officers, partner confirmation); audited before and after. */
export async function updateEnvironmentSettings(actor: Actor, input: UpdateEnvironmentInput) {
  authorize(actor, "environment:update");
  const data = parseInput(updateEnvironmentSchema, input);
  return getDb().$transaction(async (tx) => {
    const env = await tx.environment.findUnique({ where: { code: data.code } });
    if (!env) throw new AppError("not_found", `No environment with code "${data.code}".`, { code: "Unknown environment." });
    const before = { minPartnerOfficers: env.minPartnerOfficers, partnerConfirmation: env.partnerConfirmation };
    const after = { minPartnerOfficers: data.minPartnerOfficers ?? env.minPartnerOfficers, partnerConfirmation: data.partnerConfirmation ?? env.partnerConfirmation };
    if (before.minPartnerOfficers === after.minPartnerOfficers && before.partnerConfirmation === after.partnerConfirmation) return { code: env.code, ...after, changed: false };
    await tx.environment.update({ where: { id: env.id }, data: after });
    await recordAudit(tx, actor, { action: "environment.update", targetType: "environment", targetId: env.id, details: { code: env.code, before, after } });
    return { code: env.code, ...after, changed: true };
  });
}
