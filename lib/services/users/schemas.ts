import { z } from "zod";
import { PARTNER_ROLES, ROLES } from "@/lib/auth/permissions";
import { organisationCode } from "@/lib/services/organisations/schemas";

export const emailSchema = z.string().trim().toLowerCase().email("Give a valid email address.");

export const passwordSchema = z
  .string()
  .min(12, "Use at least 12 characters.")
  .max(200, "At most 200 characters.");

/** A partner user's role within its organisation; blank means "leave as it is" (or the default). */
export const partnerRoleSchema = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z.enum(PARTNER_ROLES, { message: `Choose one of: ${PARTNER_ROLES.join(", ")}.` }).optional(),
);

/**
 * What a partner user created by a provider admin (or the CLI) is when no partner role is given:
 * a partner security officer, which is what every partner user was before partner roles existed.
 */
export const DEFAULT_PARTNER_ROLE = "partner_security_officer" as const;

export const createUserSchema = z
  .object({
    email: emailSchema,
    name: z.string().trim().max(100, "At most 100 characters.").optional(),
    role: z.enum(ROLES, { message: `Choose one of: ${ROLES.join(", ")}.` }),
    orgCode: z.preprocess((v) => (v === "" ? undefined : v), organisationCode.optional()),
    password: z.preprocess((v) => (v === "" ? undefined : v), passwordSchema.optional()),
    partnerRole: partnerRoleSchema,
  })
  .superRefine((v, ctx) => {
    if (v.role !== "partner" && v.partnerRole) {
      ctx.addIssue({ code: "custom", path: ["partnerRole"], message: `A ${v.role} user has no partner role.` });
    }
    if (v.role === "partner" && !v.orgCode) {
      ctx.addIssue({ code: "custom", path: ["orgCode"], message: "A partner user must belong to an organisation." });
    }
    if (v.role !== "partner" && v.orgCode) {
      ctx.addIssue({ code: "custom", path: ["orgCode"], message: `A ${v.role} user does not belong to an organisation.` });
    }
  });
export type CreateUserInput = z.input<typeof createUserSchema>;
