import { z } from "zod";
import { ROLES } from "@/lib/auth/permissions";
import { organisationCode } from "@/lib/services/organisations/schemas";

export const emailSchema = z.string().trim().toLowerCase().email("Give a valid email address.");

export const passwordSchema = z
  .string()
  .min(12, "Use at least 12 characters.")
  .max(200, "At most 200 characters.");

export const createUserSchema = z
  .object({
    email: emailSchema,
    name: z.string().trim().max(100, "At most 100 characters.").optional(),
    role: z.enum(ROLES, { message: `Choose one of: ${ROLES.join(", ")}.` }),
    orgCode: z.preprocess((v) => (v === "" ? undefined : v), organisationCode.optional()),
    password: z.preprocess((v) => (v === "" ? undefined : v), passwordSchema.optional()),
  })
  .superRefine((v, ctx) => {
    if (v.role === "partner" && !v.orgCode) {
      ctx.addIssue({ code: "custom", path: ["orgCode"], message: "A partner user must belong to an organisation." });
    }
    if (v.role !== "partner" && v.orgCode) {
      ctx.addIssue({ code: "custom", path: ["orgCode"], message: `A ${v.role} user does not belong to an organisation.` });
    }
  });
export type CreateUserInput = z.input<typeof createUserSchema>;
