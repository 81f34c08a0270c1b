import { z } from "zod";
import { describeInput } from "@/lib/validation";
import { MAX_URL_LENGTH } from "@/lib/net/endpoint-url";

const environment = describeInput(z.string({ message: "Choose an environment." }).trim().min(1, "Choose an environment.").max(32), { expects: 'a string (an environment code such as "PPR")' });
const value = describeInput(z.string({ message: "Give the URL or IP range." }).trim().min(1, "Give the URL or IP range.").max(MAX_URL_LENGTH, `At most ${MAX_URL_LENGTH} characters.`), {
  expects: "a string (an https base URL, or an IPv4/IPv6 address or CIDR range)",
});
const note = describeInput(
  z
    .string({ message: "The note must be text." })
    .trim()
    .max(500, "At most 500 characters.")
    .optional()
    .transform((v) => v || null),
  { multiline: true },
);

/** What partners register: callback base URLs the provider calls, and the IP ranges those callbacks reach. */
export const PARTNER_ENDPOINT_KINDS = ["callback_url", "ingress_cidr"] as const;
/** What the provider publishes: the IP ranges it calls from, and its own ingress base URLs. */
export const PROVIDER_ENDPOINT_KINDS = ["egress_cidr", "ingress_url"] as const;

export const registerEndpointSchema = z.object({
  environment,
  kind: describeInput(z.enum(PARTNER_ENDPOINT_KINDS, { message: "Choose callback_url or ingress_cidr." }), { expects: '"callback_url" or "ingress_cidr"' }),
  value,
  note,
});
export type RegisterEndpointInput = z.input<typeof registerEndpointSchema>;

export const publishProviderEndpointSchema = z.object({
  environment,
  kind: describeInput(z.enum(PROVIDER_ENDPOINT_KINDS, { message: "Choose egress_cidr or ingress_url." }), { expects: '"egress_cidr" or "ingress_url"' }),
  value,
  note,
});
export type PublishProviderEndpointInput = z.input<typeof publishProviderEndpointSchema>;

export const ENDPOINT_EXPORT_FORMATS = ["json", "csv", "nginx"] as const;
export type EndpointExportFormat = (typeof ENDPOINT_EXPORT_FORMATS)[number];

/** At most this many live entries of one kind per organisation and environment. */
export const MAX_ENTRIES_PER_KIND = 20;
