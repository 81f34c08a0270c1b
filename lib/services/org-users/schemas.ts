import { z } from "zod";
import { PARTNER_ROLES } from "@/lib/auth/permissions";
import { emailSchema, passwordSchema } from "@/lib/services/users/schemas";
import { organisationCode } from "@/lib/services/organisations/schemas";

// Input typed as a string (forms, JSON, the CLI): the enum narrows it, naming the choices.
export const partnerRoleRequired = z.string({ message: "Choose a role." }).pipe(z.enum(PARTNER_ROLES, { message: `Choose one of: ${PARTNER_ROLES.join(", ")}.` }));

export const inviteUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().max(100, "At most 100 characters.").optional(),
  partnerRole: partnerRoleRequired,
  /** The CLI names the organisation; a partner admin's is always its own. */
  orgCode: z.preprocess((v) => (v === "" ? undefined : v), organisationCode.optional()),
});
export type InviteUserInput = z.input<typeof inviteUserSchema>;

export const acceptInvitationSchema = z.object({
  token: z.string({ message: "The invitation link is incomplete." }).trim().regex(/^kpi_[A-Za-z0-9_-]{43}$/, "The invitation link is incomplete or mistyped."),
  name: z.string().trim().max(100, "At most 100 characters.").optional(),
  password: passwordSchema,
});
export type AcceptInvitationInput = z.input<typeof acceptInvitationSchema>;

export const orgUserRefSchema = z
  .object({ id: z.string().optional(), email: emailSchema.optional() })
  .refine((v) => !!v.id !== !!v.email, { message: "Name the user by id or by email (one of them).", path: ["email"] });

export const changeOrgUserRoleSchema = z.object({ user: orgUserRefSchema, partnerRole: partnerRoleRequired, orgCode: organisationCode.optional() });
export const orgUserSchema = z.object({ user: orgUserRefSchema, orgCode: organisationCode.optional() });
