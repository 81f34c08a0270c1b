import { z } from "zod";

export const organisationCode = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,31}$/, "Use 2–32 lower-case letters, digits or hyphens, starting with a letter or digit (e.g. acme).");

export const createOrganisationSchema = z.object({
  code: organisationCode,
  legalName: z.string().trim().min(2, "Give the legal name (at least 2 characters).").max(200, "At most 200 characters."),
  groupEmail: z.string().trim().toLowerCase().email("Give a valid email address for the certificate-management group."),
});
export type CreateOrganisationInput = z.input<typeof createOrganisationSchema>;
