import { z } from "zod";

export const environmentCode = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9]{1,9}$/, "Use 2–10 upper-case letters or digits, starting with a letter (e.g. PPR).");

export const createEnvironmentSchema = z.object({
  code: environmentCode,
  name: z.string().trim().min(2, "Give a display name (at least 2 characters).").max(100, "At most 100 characters."),
  approvalsRequired: z.coerce
    .number({ message: "Give a whole number from 1 to 5." })
    .int("Give a whole number from 1 to 5.")
    .min(1, "At least 1 officer approval is required.")
    .max(5, "At most 5 approvals."),
  production: z.boolean().default(false),
  // Endpoint registry (issue 18): a production environment reached over a private network accepts private endpoints.
  allowPrivateEndpoints: z.boolean().default(false),
  /** Active partner security officers an organisation needs before it may submit (Mastercard: 2). */
  minPartnerOfficers: z.coerce.number({ message: "Give a whole number from 1 to 10." }).int("Give a whole number from 1 to 10.").min(1, "At least 1.").max(10, "At most 10.").default(1),
  /** A second partner security officer confirms each request before the provider sees it; off unless set. */
  partnerConfirmation: z.boolean().optional(),
});
export type CreateEnvironmentInput = z.input<typeof createEnvironmentSchema>;

export const updateEnvironmentSchema = z.object({
  code: environmentCode,
  minPartnerOfficers: z.coerce.number({ message: "Give a whole number from 1 to 10." }).int("Give a whole number from 1 to 10.").min(1, "At least 1.").max(10, "At most 10.").optional(),
  partnerConfirmation: z.boolean().optional(),
});
export type UpdateEnvironmentInput = z.input<typeof updateEnvironmentSchema>;
