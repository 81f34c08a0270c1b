import { z } from "zod";
import { describeInput } from "@/lib/validation";

export const uploadServerChainSchema = z.object({
  environment: describeInput(z.string({ message: "Choose an environment." }).trim().min(1, "Choose an environment.").max(32), { expects: 'a string (an environment code such as "PPR")' }),
  chain: describeInput(z.union([z.string(), z.instanceof(Uint8Array)], { message: "Paste your CA chain (PEM) or choose a file (PEM, DER or PKCS#7)." }), {
    expects: "a string (the CA chain as PEM, or base64 DER / PKCS#7)",
    multiline: true,
  }),
  server: describeInput(z.union([z.string(), z.instanceof(Uint8Array)]).optional(), { expects: "a string (your server certificate, PEM)", multiline: true }),
  endpoint: describeInput(
    z
      .string()
      .trim()
      .max(300)
      .optional()
      .transform((v) => v || undefined)
      .refine((v) => v === undefined || /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[^\s;{}'"\\]*)?$/.test(v), "Give the https URL of your server, e.g. https://api.partner.example:8443."),
    { expects: "a string (the https URL the provider calls)" },
  ),
});
export type UploadServerChainInput = z.input<typeof uploadServerChainSchema>;

export const SERVER_CHAIN_FORMATS = ["pem", "p7b", "p12"] as const;
export type ServerChainFormat = (typeof SERVER_CHAIN_FORMATS)[number];
