import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { type CreateUserInput, DEFAULT_PARTNER_ROLE, createUserSchema } from "./schemas";

/** Create a user. When no password is given one is generated and returned once. */
export async function createUser(actor: Actor, input: CreateUserInput) {
  authorize(actor, "user:create");
  const data = parseInput(createUserSchema, input);
  const password = data.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    const user = await getDb().$transaction(async (tx) => {
      let orgId: string | null = null;
      if (data.orgCode) {
        const org = await tx.organisation.findUnique({ where: { code: data.orgCode } });
        if (!org) throw new AppError("not_found", `No organisation with code "${data.orgCode}".`, { orgCode: "Unknown organisation." });
        orgId = org.id;
      }
      const user = await tx.user.create({
        data: { email: data.email, name: data.name || data.email.split("@")[0], role: data.role, partnerRole: data.role === "partner" ? (data.partnerRole ?? DEFAULT_PARTNER_ROLE) : null, orgId, passwordHash },
        select: { id: true, email: true, name: true, role: true, partnerRole: true, orgId: true, createdAt: true },
      });
      await recordAudit(tx, actor, {
        action: "user.create",
        orgId,
        targetType: "user",
        targetId: user.id,
        details: { email: user.email, role: user.role, partnerRole: user.partnerRole, orgCode: data.orgCode ?? null },
      });
      return user;
    });
    return { user, generatedPassword: data.password ? null : password };
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError("conflict", `A user with email "${data.email}" already exists.`, { email: "Already registered." });
    }
    throw e;
  }
}
