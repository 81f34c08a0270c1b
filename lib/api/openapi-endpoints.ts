// OpenAPI paths of the endpoint registry and the readiness probe (issue 18, items 5–6), spread into
// openApiDocument's paths (lib/api/openapi.ts passes its helpers in).
import { ENDPOINT_EXPORT_FORMATS, PARTNER_ENDPOINT_KINDS, PROVIDER_ENDPOINT_KINDS } from "@/lib/services/endpoints/schemas";
import { PROBE_OUTCOMES } from "@/lib/connectivity/probe";

type Op = { security?: unknown[]; parameters?: { in: string; [k: string]: unknown }[]; requestBody?: unknown; responses: Record<string, unknown>; [k: string]: unknown };
export type OpenApiHelpers = {
  withErrorStatuses: (op: Op, bodyLimit?: string) => Op;
  error: (description: string) => unknown;
  json: (schema: unknown) => unknown;
  idParam: (what: string) => { in: string; [k: string]: unknown };
  codeParam: { in: string; [k: string]: unknown };
  query: (name: string, description: string, schema?: unknown) => { in: string; [k: string]: unknown };
};

export function endpointRegistryPaths(h: OpenApiHelpers) {
  const { withErrorStatuses, error, json, idParam, codeParam, query } = h;
  const probe = {
    type: "object",
    properties: {
      id: { type: "string", format: "uuid" },
      endpointId: { type: "string", format: "uuid" },
      url: { type: "string" },
      outcome: { type: "string", enum: [...PROBE_OUTCOMES] },
      httpStatus: { type: ["integer", "null"] },
      message: { type: "string", description: "What failed and what to do, in one sentence." },
      error: { type: ["string", "null"], description: "The error as the TLS stack or resolver gave it (e.g. CERT_HAS_EXPIRED, ECONNREFUSED)." },
      remoteAddress: { type: ["string", "null"] },
      tlsProtocol: { type: ["string", "null"], examples: ["TLSv1.3"] },
      timings: { type: "object", properties: { dnsMs: { type: ["integer", "null"] }, connectMs: { type: ["integer", "null"] }, tlsMs: { type: ["integer", "null"] }, httpMs: { type: ["integer", "null"] }, totalMs: { type: "integer" } } },
      peer: {
        type: ["object", "null"],
        description: "The partner server's certificate as presented.",
        properties: { subject: { type: "string" }, issuer: { type: "string" }, sha256Fingerprint: { type: "string" }, notBefore: { type: "string" }, notAfter: { type: "string" }, subjectAltName: { type: ["string", "null"] } },
      },
      clientSerial: { type: ["string", "null"], description: "Serial of the provider client certificate the probe presented." },
      startedAt: { type: "string", format: "date-time" },
    },
  };
  const endpoint = {
    type: "object",
    properties: {
      id: { type: "string", format: "uuid" },
      environment: { type: "string" },
      organisation: { type: "string" },
      kind: { type: "string", enum: [...PARTNER_ENDPOINT_KINDS] },
      value: { type: "string", description: "As stored: the WHATWG re-serialisation of the URL, or the canonical CIDR." },
      status: { type: "string", enum: ["new", "confirmed", "rejected"] },
      findings: { type: "array", items: { type: "object" } },
      approvals: { type: "array", items: { type: "object" } },
      approvalsRequired: { type: "integer" },
      rejectionReason: { type: ["string", "null"] },
      removed: { type: "boolean" },
      lastProbe: { oneOf: [probe, { type: "null" }] },
    },
  };
  const envPath = { name: "env", in: "path", required: true, description: "Environment code.", schema: { type: "string" } };
  const unknownEnv = error("Unknown environment code (`fields` names it).");
  return {
    "/api/v1/endpoints": {
      post: withErrorStatuses({
        summary:
          "Register a callback base URL (`callback_url`: https only; host, port and path; no userinfo, query or fragment) or an ingress IP range (`ingress_cidr`) for one environment (partners). Stored re-serialised; a production environment refuses loopback, private (RFC 1918, ULA), link-local and documentation hosts and ranges unless it allows private endpoints. Officers confirm it.",
        requestBody: {
          required: true,
          content: json({ type: "object", required: ["environment", "kind", "value"], properties: { environment: { type: "string" }, kind: { type: "string", enum: [...PARTNER_ENDPOINT_KINDS] }, value: { type: "string", maxLength: 300 }, note: { type: "string", maxLength: 500 } } }),
        },
        responses: { "201": { description: "Registered (status new).", content: json(endpoint) }, "409": error("Already registered, or the limit of 20 per kind is reached."), "422": error("A rule refuses the value (the message names it), or a field is invalid; nothing was stored.") },
      }),
      get: withErrorStatuses({
        summary: "List registry entries (partners: their own).",
        parameters: [query("environment", "Environment code"), query("organisation", "Organisation code"), query("status", "new, confirmed or rejected"), query("kind", "callback_url or ingress_cidr")],
        responses: { "200": { description: "Entries.", content: json({ type: "object", properties: { endpoints: { type: "array", items: endpoint } } }) } },
      }),
    },
    "/api/v1/endpoints/{id}": {
      get: withErrorStatuses({ summary: "One registry entry, with its latest probe.", parameters: [idParam("endpoint")], responses: { "200": { description: "The entry.", content: json(endpoint) } } }),
      delete: withErrorStatuses({ summary: "Remove one of your entries (partners); it leaves every export at once.", parameters: [idParam("endpoint")], responses: { "200": { description: "The entry.", content: json(endpoint) }, "409": error("Already removed.") } }),
    },
    "/api/v1/endpoints/{id}/confirm": {
      post: withErrorStatuses({
        summary: "Confirm (officers). At the environment's number of distinct officers the entry is checked again and becomes confirmed.",
        parameters: [idParam("endpoint")],
        requestBody: { required: false, content: json({ type: "object", properties: { comment: { type: "string", maxLength: 1000 } } }) },
        responses: { "200": { description: "The entry.", content: json(endpoint) }, "409": error("Already decided or removed, or this officer already confirmed it."), "422": error("The comment is invalid, or the entry no longer passes its checks.") },
      }),
    },
    "/api/v1/endpoints/{id}/reject": {
      post: withErrorStatuses({
        summary: "Reject with a reason the partner sees (officers).",
        parameters: [idParam("endpoint")],
        requestBody: { required: true, content: json({ type: "object", required: ["reason"], properties: { reason: { type: "string", maxLength: 1000 } } }) },
        responses: { "200": { description: "The entry.", content: json(endpoint) }, "409": error("Already decided or removed."), "422": error("No reason given, or it is invalid.") },
      }),
    },
    "/api/v1/endpoints/{id}/probe": {
      post: withErrorStatuses({
        summary:
          "Run the readiness probe (provider → partner) on a confirmed callback URL, inline (each phase at most 5 s): DNS, TCP, TLS with the provider's client certificate trusting only the partner's endorsed server CA chain, then GET on the URL. The classified result is stored with its evidence.",
        parameters: [idParam("endpoint")],
        responses: {
          "201": { description: "The probe's result (also when the partner's side failed: see `outcome`).", content: json(probe) },
          "409": error("Not a confirmed callback URL, no endorsed server CA chain, or no provider client CA in the environment."),
          "429": error("Probed within the last 5 seconds, or a token rate limit."),
        },
      }),
    },
    "/api/v1/exchange/{env}/probes": {
      get: withErrorStatuses({
        summary: "The latest readiness probe results of an environment, newest first (partners: their own).",
        parameters: [envPath, query("org", "Organisation code (officers and admins)"), query("endpoint", "Endpoint id")],
        responses: { "200": { description: "Results.", content: json({ type: "object", properties: { probes: { type: "array", items: probe } } }) } },
      }),
    },
    "/api/v1/environments/{code}/endpoints": {
      get: withErrorStatuses({
        summary:
          "The confirmed endpoint registry of an environment for gateways and firewalls (gateway tokens, officers, admins): the provider's egress ranges and ingress URLs, and each partner's confirmed callback URLs and ingress ranges. json; csv (RFC 4180); nginx (`upstream` per callback, `map $keyport_partner` to the base URL and the upstream).",
        parameters: [codeParam, { name: "format", in: "query", required: false, schema: { type: "string", enum: [...ENDPOINT_EXPORT_FORMATS], default: "json" } }],
        responses: {
          "200": { description: "The registry (Content-Disposition: attachment).", content: { "application/json": { schema: { type: "object" } }, "text/csv": { schema: { type: "string" } }, "text/plain": { schema: { type: "string" } } } },
          "400": error("Unknown format."),
          "422": unknownEnv,
        },
      }),
    },
    "/api/v1/environments/{code}/provider-endpoints": {
      get: withErrorStatuses({
        summary: "The provider's published egress IP ranges and ingress base URLs of an environment (for partners' firewalls).",
        parameters: [codeParam],
        responses: { "200": { description: "Entries.", content: json({ type: "object", properties: { endpoints: { type: "array", items: { type: "object" } } } }) }, "422": unknownEnv },
      }),
      post: withErrorStatuses({
        summary: "Publish one of the provider's endpoints (admins): an egress range or an ingress base URL, under the same rules as partners' entries.",
        parameters: [codeParam],
        requestBody: { required: true, content: json({ type: "object", required: ["kind", "value"], properties: { kind: { type: "string", enum: [...PROVIDER_ENDPOINT_KINDS] }, value: { type: "string" }, note: { type: "string" } } }) },
        responses: { "201": { description: "Published.", content: json({ type: "object" }) }, "409": error("Already published, or the limit is reached."), "422": error("A rule refuses the value, a field is invalid, or the environment is unknown.") },
      }),
    },
    "/api/v1/provider-endpoints/{id}": {
      delete: withErrorStatuses({ summary: "Withdraw one of the provider's published endpoints (admins).", parameters: [idParam("provider endpoint")], responses: { "200": { description: "Removed.", content: json({ type: "object" }) } } }),
    },
  };
}
