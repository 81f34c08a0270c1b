import { z } from "zod";
import { describeInput } from "@/lib/validation";
import { JWS_ALGORITHMS } from "@/lib/pki/jws/jws-policy";

const environment = describeInput(z.string({ message: "Choose an environment." }).trim().min(1, "Choose an environment.").max(32), { expects: 'a string (an environment code such as "PPR")' });
const optionalAlg = describeInput(
  z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || (JWS_ALGORITHMS as readonly string[]).includes(v), `Choose one of ${JWS_ALGORITHMS.join(", ")}.`),
  { expects: `one of ${JWS_ALGORITHMS.join(", ")}` },
);
const key = describeInput(z.string({ message: "Paste a public key (PEM), a JWK, or a certificate." }).min(1, "Paste a public key (PEM), a JWK, or a certificate."), {
  expects: "a string (PEM public key, PEM certificate, or JWK JSON)",
  multiline: true,
});

export const uploadJwsKeySchema = z.object({ environment, key, alg: optionalAlg });
export type UploadJwsKeyInput = z.input<typeof uploadJwsKeySchema>;

/** A retire date: an ISO 8601 date-time, or "now". Past dates are refused (a key is retired now or later). */
export const retireJwsKeySchema = z.object({
  retireAt: describeInput(
    z
      .string({ message: 'Give the retire date (ISO 8601, e.g. 2027-01-31T00:00:00Z) or "now".' })
      .trim()
      .min(1, 'Give the retire date (ISO 8601, e.g. 2027-01-31T00:00:00Z) or "now".')
      .refine((v) => v === "now" || (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v))), 'Give an ISO 8601 date-time (e.g. 2027-01-31T00:00:00Z) or "now".'),
    { expects: 'a string (ISO 8601 date-time, or "now")' },
  ),
});

export const createProviderJwsKeySchema = z.object({
  environment,
  /** generate: Keyport makes the key pair and seals the private key; otherwise `key` is the public key. */
  generate: describeInput(z.boolean().optional(), { expects: "a boolean" }),
  alg: optionalAlg,
  key: describeInput(z.string().optional(), { expects: "a string (PEM public key, PEM certificate, or JWK JSON)", multiline: true }),
});
export type CreateProviderJwsKeyInput = z.input<typeof createProviderJwsKeySchema>;

export const verifyJwsSchema = z.object({
  environment,
  /** Officers and admins: the partner whose keys verify; partners: their own. */
  organisation: describeInput(z.string().trim().max(64).optional(), { expects: "a string (organisation code)" }),
  method: describeInput(z.string().trim().max(16).optional(), { expects: "a string (HTTP method)" }),
  url: describeInput(z.string().trim().max(2048).optional(), { expects: "a string (the request URL or path)" }),
  headers: describeInput(z.union([z.string().max(64 * 1024), z.record(z.string(), z.string())]).optional(), { expects: 'a string ("Name: value" lines) or an object', multiline: true }),
  body: describeInput(z.string().max(128 * 1024, "At most 128 KiB.").optional(), { expects: "a string (the request body)", multiline: true }),
  jws: describeInput(z.string().trim().max(128 * 1024, "At most 128 KiB.").optional(), { expects: "a string (a compact JWS)", multiline: true }),
  /** The whole request as HTTP/1.1 text (request line, headers, empty line, body), instead of method/url/headers/body. */
  request: describeInput(z.string().max(128 * 1024, "At most 128 KiB.").optional(), { expects: "a string (the request as HTTP/1.1 text)", multiline: true }),
});
export type VerifyJwsInput = z.input<typeof verifyJwsSchema>;

export const JWS_KEY_FORMATS = ["pem", "jwk"] as const;
