import { z } from "zod";
import { describeInput } from "@/lib/validation";

export const PROVIDER_CSR_PROFILE = "provider-client";

const environment = describeInput(z.string({ message: "Choose an environment." }).trim().min(1, "Choose an environment.").max(32), { expects: 'a string (an environment code such as "PPR")' });

/**
 * An admin's provider CSR for one organisation × environment: either `commonName` (Keyport makes a
 * P-256 key and the CSR, subject O=<provider>, CN=<commonName> from the provider-client profile) or
 * `csr` (made on the provider's gateway; the key stays there).
 */
export const createProviderCsrSchema = z
  .object({
    environment,
    organisation: describeInput(z.string({ message: "Choose the partner organisation." }).trim().min(1, "Choose the partner organisation.").max(64), { expects: "a string (the organisation code)" }),
    commonName: describeInput(
      z
        .string()
        .trim()
        .max(64, "At most 64 characters (RFC 5280 ub-common-name).")
        .regex(/^[A-Za-z0-9 ._-]*$/, "Letters, digits, space, dot, underscore and hyphen only.")
        .optional()
        .transform((v) => v || undefined),
      { expects: "a string (the CN; Keyport generates the key)" },
    ),
    csr: describeInput(
      z
        .union([z.string(), z.instanceof(Uint8Array)])
        .optional()
        .transform((v) => (typeof v === "string" && !v.trim() ? undefined : v)),
      { expects: "a string (a PEM CSR made on the provider's gateway)", multiline: true },
    ),
  })
  .superRefine((v, ctx) => {
    if (!v.commonName && !v.csr) ctx.addIssue({ code: "custom", path: ["commonName"], message: "Give a CN (Keyport generates the key) or paste a CSR made on the gateway." });
    if (v.commonName && v.csr) ctx.addIssue({ code: "custom", path: ["csr"], message: "Give either a CN or a CSR, not both." });
  });
export type CreateProviderCsrInput = z.input<typeof createProviderCsrSchema>;

export const uploadSignedCertificateSchema = z.object({
  certificate: describeInput(z.union([z.string(), z.instanceof(Uint8Array)], { message: "Paste the certificate your CA issued for the provider's CSR (PEM), or choose the file." }), {
    expects: "a string (the signed certificate, PEM or base64 DER)",
    multiline: true,
  }),
});
