// OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. A test checks that every
// route file under app/api/v1 appears here with each of its methods (and nothing else does), and
// provokes every error status an operation can answer to check that it is documented.
import { CERTIFICATE_FORMATS } from "@/lib/services/certificates/download-certificate";
import { OFFICER_REVOCATION_REASONS, PARTNER_REVOCATION_REASONS } from "@/lib/services/certificates/revoke-certificate";
import { LEAF_REVOCATION_REASONS } from "@/lib/pki/crl/reasons";
import { CA_CHAIN_FORMATS } from "@/lib/services/ca/ca-chain";
import { EXPORT_FORMATS } from "@/lib/services/allowlist/allowlist-requests";
import { MEDIA_TYPES } from "@/lib/pki/cert/download-formats";
import { SERVER_CHAIN_FORMATS } from "@/lib/services/server-chains/schemas";
import { PROVIDER_CA_FORMATS } from "@/lib/services/provider/provider-client-ca-file";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ "application/json": { schema } });
const error = (description: string) => ({ description, content: json(ref("Error")) });
const idParam = (what: string) => ({ name: "id", in: "path", required: true, description: `The ${what}'s id (UUID).`, schema: { type: "string", format: "uuid" } });
const codeParam = { name: "code", in: "path", required: true, description: "Environment code, e.g. PPR.", schema: { type: "string" } };
const query = (name: string, description: string, schema: unknown = { type: "string" }) => ({ name, in: "query", required: false, description, schema });
const notFound = error("No such object, or it belongs to another organisation (the two are indistinguishable).");
const text = { schema: { type: "string" } };
const binary = { schema: { type: "string", format: "binary" } };
const file = (description: string, types: Record<string, unknown>, headers: Record<string, unknown> = {}) => ({
  description: `${description} (Content-Disposition: attachment).`,
  headers: { "Content-Disposition": { schema: { type: "string" } }, ...headers },
  content: types,
});
const statusHeaders = {
  "Keyport-Certificate-Status": { description: "What the certificate is now: valid, expiring, expired or revoked.", schema: { type: "string", enum: ["valid", "expiring", "expired", "revoked"] } },
  "Keyport-Revocation": { description: "Only for a revoked certificate: `revoked-at=<ISO 8601>; reason=<RFC 5280 reason>`.", schema: { type: "string" } },
};

type Operation = {
  security?: unknown[];
  parameters?: { in: string; [k: string]: unknown }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  [k: string]: unknown;
};

/**
 * The error statuses every operation shares, by what it takes, added where an operation does not
 * describe them more precisely: a JSON body (400 not JSON, 413 too large, 422 invalid field or a
 * control character), query parameters (422 unknown filter value or a control character), path
 * parameters (404), a token (401, 403, 429 past a rate limit). A test provokes each one against the route handlers.
 */
function withErrorStatuses(op: Operation, bodyLimit = "64 KiB"): Operation {
  const responses: Record<string, unknown> = {};
  if (op.requestBody) {
    responses["400"] = error("The body is not a JSON object (UTF-8).");
    responses["413"] = error(`The body is larger than ${bodyLimit} (refused without reading further).`);
    responses["422"] = error("A field is missing, has the wrong type or an invalid value, or holds a control character; `fields` names each.");
  }
  if (op.parameters?.some((p) => p.in === "query")) {
    responses["422"] ??= error("A query parameter holds a control character, or a filter value is unknown (e.g. an environment code); `fields` names it.");
  }
  if (op.parameters?.some((p) => p.in === "path")) responses["404"] = notFound;
  if (!op.security || op.security.length) {
    responses["401"] = error("Missing, unknown, revoked or expired token, or its user or organisation is disabled.");
    responses["403"] = error("The token's role may not do this, or the token lacks the scope the call needs (read, submit, approve, revoke, gateway, admin).");
    responses["429"] = {
      ...error("Too many requests with this token or from this address, or too many failed authentications from this address (limits per minute, README)."),
      headers: { "Retry-After": { description: "Seconds until the limit's window ends (RFC 9110 §10.2.3).", schema: { type: "integer", minimum: 1 } } },
    };
  }
  return { ...op, responses: { ...responses, ...op.responses } };
}

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Keyport API",
      version: "1",
      description:
        "Certificate requests, certificates, source-IP allowlists and CA chains for mutual TLS. Authenticate with `Authorization: Bearer <token>` (tokens are created by an admin). Every error is `{ \"error\": { \"code\", \"message\", \"fields\"? } }`. A method a path does not list answers 405 (`method_not_allowed`) with an `Allow` header. No text field may hold a control character (U+0000–U+001F, U+007F–U+009F; tab and line breaks only in multi-line text such as a note): 422 naming the field.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", enum: ["bad_request", "unauthenticated", "forbidden", "not_found", "method_not_allowed", "conflict", "too_large", "validation_failed", "rate_limited", "internal"] },
                message: { type: "string" },
                fields: { type: "object", additionalProperties: { type: "string" } },
              },
            },
          },
        },
        Check: {
          type: "object",
          required: ["code", "result", "message"],
          properties: { code: { type: "string", examples: ["key.type", "subject.CN", "key.reuse"] }, result: { type: "string", enum: ["pass", "warn", "fail"] }, message: { type: "string" } },
        },
        User: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            email: { type: "string" },
            name: { type: "string" },
            role: { type: "string", enum: ["partner", "officer", "admin", "gateway"] },
            organisation: { type: ["string", "null"] },
            state: { type: "string", enum: ["active", "disabled"] },
            createdAt: { type: "string", format: "date-time" },
          },
        },
        Organisation: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            code: { type: "string" },
            legalName: { type: "string" },
            groupEmail: { type: "string" },
            state: { type: "string", enum: ["active", "disabled"] },
            users: { type: "integer" },
          },
        },
        AccountState: { type: "object", properties: { id: { type: "string", format: "uuid" }, disabled: { type: "boolean" }, sessionsEnded: { type: "integer" } } },
        Approval: { type: "object", properties: { officer: { type: "string" }, email: { type: "string" }, comment: { type: ["string", "null"] }, at: { type: "string", format: "date-time" } } },
        CertificateRequest: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            status: { type: "string", enum: ["pending", "issued", "rejected"] },
            environment: { type: "string" },
            organisation: { type: "string" },
            profile: { type: "string" },
            subject: { type: "string" },
            keyType: { type: "string" },
            publicKeyFingerprint: { type: "string" },
            checks: { type: "array", items: ref("Check") },
            enteredSans: { type: "object", description: "SANs typed at submission, apart from the CSR's.", properties: { dns: { type: "array", items: { type: "string" } }, ip: { type: "array", items: { type: "string" } } } },
            approvals: { type: "array", items: ref("Approval") },
            approvalsRequired: { type: "integer" },
            rejectionReason: { type: ["string", "null"] },
            certificateId: { type: ["string", "null"], format: "uuid" },
            renews: { type: ["string", "null"], format: "uuid" },
            submittedAt: { type: "string", format: "date-time" },
          },
        },
        Certificate: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            serial: { type: "string", description: "Upper-case hex, as openssl prints it." },
            subject: { type: "string" },
            environment: { type: "string" },
            organisation: { type: ["string", "null"], description: "null for Keyport's own certificates (see service)." },
            service: { type: ["string", "null"], description: 'What one of Keyport\'s own certificates serves (e.g. "Keyport connectivity listener"); null for partner certificates.' },
            notBefore: { type: "string", format: "date-time" },
            notAfter: { type: "string", format: "date-time" },
            fingerprint: { type: "string", description: "SHA-256 of the certificate (DER), colon-separated upper-case hex as openssl prints it." },
            status: { type: "string", enum: ["valid", "expiring", "expired", "revoked"], description: "expiring: within 30 days of notAfter (never for Keyport's own certificates, which Keyport renews)." },
            revokedAt: { type: ["string", "null"], format: "date-time" },
            revocationReason: { type: ["string", "null"] },
          },
        },
        TimelineEvent: {
          type: "object",
          required: ["type", "at", "message"],
          description: "One event in a certificate's history. Only successful connectivity tests are events (refusals are listed under the partner's connectivity results).",
          properties: {
            type: { type: "string", enum: ["issued", "connectivity_verified", "revoked", "expired"] },
            at: { type: "string", format: "date-time" },
            message: { type: "string", examples: ["Connectivity verified at 2026-11-23 10:03:12 UTC from 203.0.113.10"] },
            requestId: { type: ["string", "null"], format: "uuid", description: "issued: the request it was issued from." },
            renews: { type: ["string", "null"], format: "uuid", description: "issued: the certificate it renews." },
            sourceIp: { type: "string", description: "connectivity_verified: the source IP the listener saw." },
            environment: { type: "string", description: "connectivity_verified: the environment tested." },
            reason: { type: ["string", "null"], description: "revoked: the RFC 5280 reason." },
          },
        },
        CertificateWithTimeline: {
          allOf: [
            ref("Certificate"),
            {
              type: "object",
              properties: {
                timeline: {
                  type: "object",
                  properties: {
                    events: { type: "array", items: ref("TimelineEvent"), description: "Issue first, then by time." },
                    omittedVerifications: { type: "integer", description: "Successful tests older than the newest 50, not listed." },
                  },
                },
              },
            },
          ],
        },
        AllowlistRequest: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            kind: { type: "string", enum: ["add", "remove"] },
            status: { type: "string", enum: ["pending", "approved", "rejected"] },
            environment: { type: "string" },
            note: { type: "string" },
            entries: { type: "array", items: { type: "object", properties: { cidr: { type: "string" }, input: { type: "string" }, warnings: { type: "array", items: { type: "object" } } } } },
            approvals: { type: "array", items: ref("Approval") },
            rejectionReason: { type: ["string", "null"] },
          },
        },
      },
    },
    paths: {
      "/api/v1/users": {
        get: withErrorStatuses({
          summary: "Users, filtered by role, organisation and state (admins; token scope read).",
          parameters: [query("role", "partner, officer, admin or gateway"), query("organisation", "Organisation code"), query("state", "active or disabled")],
          responses: { "200": { description: "The users.", content: json({ type: "object", properties: { users: { type: "array", items: ref("User") } } }) } },
        }),
      },
      "/api/v1/users/{id}": {
        patch: withErrorStatuses({
          summary: "Change a user's name, role or organisation (admins; token scope admin). A role or organisation change ends the user's sessions and revokes their API tokens. Audited with the values before and after.",
          parameters: [idParam("user")],
          requestBody: {
            required: true,
            content: json({
              type: "object",
              properties: {
                name: { type: "string", maxLength: 100 },
                role: { type: "string", enum: ["partner", "officer", "admin", "gateway"] },
                organisation: { type: "string", description: "Organisation code (partners only); a role other than partner clears it." },
              },
            }),
          },
          responses: {
            "200": { description: "What changed.", content: json({ type: "object", properties: { id: { type: "string" }, email: { type: "string" }, changed: { type: "array", items: { type: "string" } }, sessionsEnded: { type: "integer" }, tokensRevoked: { type: "integer" } } }) },
            "409": error("The organisation cannot change while the user has open requests; or the organisation is disabled; or an admin changes their own role."),
          },
        }),
      },
      "/api/v1/users/{id}/disable": {
        post: withErrorStatuses({
          summary: "Disable a user: their sessions end and their API tokens are refused at once (admins; token scope admin). Idempotent.",
          parameters: [idParam("user")],
          responses: { "200": { description: "The user's state.", content: json(ref("AccountState")) }, "409": error("An admin cannot disable their own account.") },
        }),
      },
      "/api/v1/users/{id}/enable": {
        post: withErrorStatuses({
          summary: "Enable a disabled user again (admins; token scope admin). Idempotent.",
          parameters: [idParam("user")],
          responses: { "200": { description: "The user's state.", content: json(ref("AccountState")) } },
        }),
      },
      "/api/v1/organisations": {
        get: withErrorStatuses({
          summary: "Organisations and their state (officers and admins; token scope read).",
          responses: { "200": { description: "The organisations.", content: json({ type: "object", properties: { organisations: { type: "array", items: ref("Organisation") } } }) } },
        }),
      },
      "/api/v1/organisations/{id}": {
        patch: withErrorStatuses({
          summary: "Change an organisation's legal name or group mailbox (admins; token scope admin). Audited with the values before and after.",
          parameters: [idParam("organisation")],
          requestBody: { required: true, content: json({ type: "object", properties: { legalName: { type: "string", minLength: 2, maxLength: 200 }, groupEmail: { type: "string", format: "email" } } }) },
          responses: { "200": { description: "The organisation and what changed.", content: json(ref("Organisation")) } },
        }),
      },
      "/api/v1/organisations/{id}/disable": {
        post: withErrorStatuses({
          summary: "Disable an organisation: its users' sessions end and their API tokens are refused; its certificates stay in the inventory and can still be revoked (admins; token scope admin). Idempotent.",
          parameters: [idParam("organisation")],
          responses: { "200": { description: "The organisation's state.", content: json(ref("AccountState")) } },
        }),
      },
      "/api/v1/organisations/{id}/enable": {
        post: withErrorStatuses({
          summary: "Enable a disabled organisation again (admins; token scope admin). Idempotent.",
          parameters: [idParam("organisation")],
          responses: { "200": { description: "The organisation's state.", content: json(ref("AccountState")) } },
        }),
      },
      "/api/v1/me": { get: withErrorStatuses({ summary: "The token's user, role and organisation.", responses: { "200": { description: "Who you are.", content: json({ type: "object" }) } } }) },
      "/api/v1/environments": {
        get: withErrorStatuses({ summary: "Environments (e.g. PPR, PRD) and their approval rules.", responses: { "200": { description: "The environments.", content: json({ type: "object" }) } } }),
      },
      "/api/v1/certificate-requests": {
        post: withErrorStatuses(
          {
            summary: "Submit a CSR (partners). Every check runs; a CSR failing any check is not stored.",
            requestBody: {
              required: true,
              content: json({
                type: "object",
                required: ["environment", "csr"],
                properties: {
                  environment: { type: "string", examples: ["PPR"] },
                  profile: { type: "string", default: "mtls-client" },
                  csr: { type: "string", description: "PEM, or base64 DER; at most 64 KiB." },
                  renews: { type: "string", format: "uuid", description: "The certificate this request renews (same environment)." },
                  sans: {
                    type: "object",
                    additionalProperties: false,
                    description: 'SANs to certify besides the CSR\'s, where the profile says `"enteredSans": "allow"` (check `san.entered`).',
                    properties: { dns: { type: "array", items: { type: "string" }, maxItems: 50 }, ip: { type: "array", items: { type: "string" }, maxItems: 50 } },
                  },
                },
                additionalProperties: false,
              }),
            },
            responses: {
              "201": { description: "Stored, pending review.", content: json({ type: "object", properties: { id: { type: "string" }, status: { const: "pending" }, checks: { type: "array", items: ref("Check") } } }) },
              "404": error("`renews` names no certificate of yours."),
              "413": error("The CSR exceeds 64 KiB, or the body 96 KiB."),
              "422": {
                description: "A check failed (nothing stored; `checks` lists them all), or a field is invalid: e.g. an unknown environment or profile (`fields.environment`, `fields.profile`).",
                content: json({ allOf: [ref("Error"), { type: "object", properties: { checks: { type: "array", items: ref("Check") } } }] }),
              },
            },
          },
          "96 KiB",
        ),
        get: withErrorStatuses({
          summary: "List requests (partners: their organisation's).",
          parameters: [query("status", "pending, issued or rejected"), query("environment", "Environment code"), query("organisation", "Organisation code (officers)")],
          responses: {
            "200": { description: "Requests.", content: json({ type: "object", properties: { requests: { type: "array", items: ref("CertificateRequest") } } }) },
            "422": error("Unknown status or environment, or a control character in a parameter; `fields` names it."),
          },
        }),
      },
      "/api/v1/certificate-requests/{id}": {
        get: withErrorStatuses({ summary: "One request with its checks, approvals and outcome.", parameters: [idParam("request")], responses: { "200": { description: "The request.", content: json(ref("CertificateRequest")) } } }),
      },
      "/api/v1/certificate-requests/{id}/approve": {
        post: withErrorStatuses({
          summary: "Approve (officers). The final required approval issues the certificate.",
          parameters: [idParam("request")],
          requestBody: { required: false, content: json({ type: "object", properties: { comment: { type: "string", maxLength: 1000 } } }) },
          responses: {
            "200": { description: "pending with the approvals so far, or issued with certificateId.", content: json(ref("CertificateRequest")) },
            "403": error("Not an officer, or the officer submitted the request."),
            "409": error("Already decided, or this officer already approved."),
            "422": error("The comment is invalid, or the CSR no longer passes its profile."),
          },
        }),
      },
      "/api/v1/certificate-requests/{id}/reject": {
        post: withErrorStatuses({
          summary: "Reject with a reason the partner sees (officers).",
          parameters: [idParam("request")],
          requestBody: { required: true, content: json({ type: "object", required: ["reason"], properties: { reason: { type: "string", maxLength: 1000 } } }) },
          responses: { "200": { description: "The rejected request.", content: json(ref("CertificateRequest")) }, "409": error("Already decided."), "422": error("No reason given, or it is invalid.") },
        }),
      },
      "/api/v1/certificates": {
        get: withErrorStatuses({
          summary: "List certificates (partners: their organisation's).",
          parameters: [query("environment", "Environment code"), query("organisation", "Organisation code"), query("status", "valid, expiring, expired or revoked"), query("q", "Serial, SHA-256 fingerprint or part of the subject")],
          responses: {
            "200": { description: "Certificates.", content: json({ type: "object", properties: { certificates: { type: "array", items: ref("Certificate") } } }) },
            "422": error("Unknown status or environment, or a control character in a parameter; `fields` names it."),
          },
        }),
      },
      "/api/v1/certificates/{id}": {
        get: withErrorStatuses({
          summary: "One certificate, with its timeline (issued, connectivity verified, revoked, expired).",
          parameters: [idParam("certificate")],
          responses: { "200": { description: "The certificate.", content: json(ref("CertificateWithTimeline")) } },
        }),
      },
      "/api/v1/certificates/{id}/download": {
        get: withErrorStatuses({
          summary:
            "Download: pem (leaf), chain (leaf→root), chain-root-first, der (.cer), p7b (PKCS#7 with the chain), zip (all of them and a README). A revoked certificate stays downloadable as a record; the headers and the zip README say it is revoked.",
          parameters: [idParam("certificate"), { name: "format", in: "query", required: false, schema: { type: "string", enum: [...CERTIFICATE_FORMATS], default: "pem" } }],
          responses: {
            "200": file(
              "pem, chain and chain-root-first: application/x-pem-file; der: application/pkix-cert (RFC 2585); p7b: application/x-pkcs7-certificates; zip: application/zip",
              {
                [MEDIA_TYPES.pem.contentType]: text,
                [MEDIA_TYPES.certificateDer.contentType]: binary,
                [MEDIA_TYPES.pkcs7.contentType]: binary,
                "application/zip": binary,
              },
              statusHeaders,
            ),
            "400": error("Unknown format."),
          },
        }),
      },
      "/api/v1/certificates/{id}/pkcs12": {
        post: withErrorStatuses({
          summary: "PKCS#12 truststore: the issuing CA and root that signed the certificate, as trusted entries, protected by your password (printable ASCII, 8–128 characters).",
          parameters: [idParam("certificate")],
          requestBody: { required: true, content: json({ type: "object", required: ["password"], properties: { password: { type: "string", minLength: 8, maxLength: 128 } } }) },
          responses: { "200": file("The truststore", { [MEDIA_TYPES.pkcs12.contentType]: binary }), "422": error("Password missing, too short or not printable ASCII.") },
        }),
      },
      "/api/v1/certificates/{id}/revoke": {
        post: withErrorStatuses({
          summary: "Revoke at once; the CRL is regenerated.",
          parameters: [idParam("certificate")],
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["reason"],
              properties: { reason: { type: "string", enum: [...OFFICER_REVOCATION_REASONS], description: `End-entity certificates (CA/B Forum BR §7.2.2): ${LEAF_REVOCATION_REASONS.join(", ")}; the other reasons only for CA certificates. Partners: ${PARTNER_REVOCATION_REASONS.join(", ")}.` }, comment: { type: "string", maxLength: 1000 } },
            }),
          },
          responses: { "200": { description: "The revoked certificate.", content: json(ref("CertificateWithTimeline")) }, "409": error("Already revoked."), "422": error("Reason not allowed, or the comment is invalid.") },
        }),
      },
      "/api/v1/ip-allowlist-requests": {
        post: withErrorStatuses({
          summary: "Ask for source IPs (IPv4/IPv6 addresses or CIDR ranges) to be added to, or removed from, an environment's allowlist (partners).",
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["environment", "entries"],
              properties: {
                environment: { type: "string" },
                kind: { type: "string", enum: ["add", "remove"], default: "add" },
                entries: { type: "array", items: { type: "string" }, maxItems: 50 },
                note: { type: "string", maxLength: 500 },
              },
            }),
          },
          responses: {
            "201": { description: "Stored, pending review.", content: json(ref("AllowlistRequest")) },
            "409": error("A removal of that entry is already pending."),
            "422": {
              description: "One error per bad entry (host bits set, too wide, reserved range in production, duplicate…), or an invalid field (unknown environment, wrong type, control character).",
              content: json({ allOf: [ref("Error"), { type: "object", properties: { entries: { type: "array" } } }] }),
            },
          },
        }),
        get: withErrorStatuses({
          summary: "List allowlist requests.",
          parameters: [query("status", "pending, approved or rejected"), query("environment", "Environment code"), query("organisation", "Organisation code (officers)")],
          responses: { "200": { description: "Requests.", content: json({ type: "object", properties: { requests: { type: "array", items: ref("AllowlistRequest") } } }) } },
        }),
      },
      "/api/v1/ip-allowlist-requests/{id}": {
        get: withErrorStatuses({ summary: "One allowlist request.", parameters: [idParam("request")], responses: { "200": { description: "The request.", content: json(ref("AllowlistRequest")) } } }),
      },
      "/api/v1/ip-allowlist-requests/{id}/approve": {
        post: withErrorStatuses({
          summary: "Approve (officers); the final required approval changes the allowlist.",
          parameters: [idParam("request")],
          requestBody: { required: false, content: json({ type: "object", properties: { comment: { type: "string", maxLength: 1000 } } }) },
          responses: {
            "200": { description: "The request.", content: json(ref("AllowlistRequest")) },
            "403": error("Not an officer, or the officer submitted the request."),
            "409": error("Already decided or already approved by you."),
          },
        }),
      },
      "/api/v1/ip-allowlist-requests/{id}/reject": {
        post: withErrorStatuses({
          summary: "Reject with a reason (officers).",
          parameters: [idParam("request")],
          requestBody: { required: true, content: json({ type: "object", required: ["reason"], properties: { reason: { type: "string", maxLength: 1000 } } }) },
          responses: { "200": { description: "The request.", content: json(ref("AllowlistRequest")) }, "409": error("Already decided."), "422": error("No reason given, or it is invalid.") },
        }),
      },
      "/api/v1/ip-allowlist": {
        get: withErrorStatuses({
          summary: "Approved allowlist entries (partners: their own).",
          parameters: [query("environment", "Environment code")],
          responses: { "200": { description: "Entries.", content: json({ type: "object" }) } },
        }),
      },
      "/api/v1/environments/{code}/allowlist": {
        get: withErrorStatuses({
          summary: "Export the environment's allowlist (officers, admins, gateway tokens).",
          parameters: [codeParam, { name: "format", in: "query", schema: { type: "string", enum: [...EXPORT_FORMATS], default: "json" } }],
          responses: {
            "200": { description: "json, txt (one CIDR per line) or nginx (`allow …;` lines ending with `deny all;`).", content: { "application/json": { schema: { type: "object" } }, "text/plain": text } },
            "400": error("Unknown format."),
            "404": error("No such environment."),
          },
        }),
      },
      "/api/v1/environments/{code}/ca": {
        get: withErrorStatuses({
          summary: "The provider's CA chain for an environment. Public: no token needed.",
          security: [],
          parameters: [codeParam, { name: "format", in: "query", schema: { type: "string", enum: [...CA_CHAIN_FORMATS], default: "pem" } }],
          responses: {
            "200": file("pem and pem-root-first: application/x-pem-file (issuing CA first, or root first); p7b: application/x-pkcs7-certificates; der-root, der-issuing: application/pkix-cert", {
              [MEDIA_TYPES.pem.contentType]: text,
              [MEDIA_TYPES.pkcs7.contentType]: binary,
              [MEDIA_TYPES.certificateDer.contentType]: binary,
            }),
            "400": error("Unknown format."),
            "404": error("No such environment, or no CA yet."),
          },
        }),
      },
      "/api/v1/environments/{code}/provider-client-ca": {
        get: withErrorStatuses({
          summary: "The provider client CA of an environment: partners' servers trust it (and only it) for the provider's outbound calls. Public: no token needed; a signed-in or token download is recorded.",
          security: [],
          parameters: [codeParam, { name: "format", in: "query", schema: { type: "string", enum: [...PROVIDER_CA_FORMATS], default: "pem" } }],
          responses: {
            "200": file("pem: application/x-pem-file; der: application/pkix-cert; p7b: application/x-pkcs7-certificates", { [MEDIA_TYPES.pem.contentType]: text, [MEDIA_TYPES.certificateDer.contentType]: binary, [MEDIA_TYPES.pkcs7.contentType]: binary }),
            "400": error("Unknown format."),
            "404": error("No such environment, or no provider client CA yet."),
          },
        }),
      },
      "/api/v1/environments/{code}/provider-server-chain": {
        get: withErrorStatuses({
          summary: "The provider endpoint's server certificate and CA chain (PEM, server certificate first), which partners trust when they call the provider. Public: no token needed.",
          security: [],
          parameters: [codeParam],
          responses: { "200": file("application/x-pem-file", { [MEDIA_TYPES.pem.contentType]: text }), "404": error("No such environment, or no provider server chain published.") },
        }),
      },
      "/api/v1/exchange/{env}": {
        get: withErrorStatuses({
          summary: "The two-way exchange of one partner in one environment: every item in both directions with its state, dates and who acts next (partner, officer or admin). Partners: their own; officers and admins: `org`, or without it the overview across partners (`organisations`: what waits on the provider, on the partner, and what expires within 30 days).",
          parameters: [{ name: "env", in: "path", required: true, description: "Environment code.", schema: { type: "string" } }, query("org", "Organisation code (officers and admins)")],
          responses: {
            "200": {
              description: "The items.",
              content: json({
                type: "object",
                properties: {
                  environment: { type: "string" },
                  organisation: { type: "string" },
                  next: { type: "array", items: { type: "string", enum: ["partner", "officer", "admin"] } },
                  items: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        kind: { type: "string", examples: ["partner-client-certificate", "source-ips", "partner-server-chain", "provider-client-ca", "provider-client-certificate", "provider-server-chain"] },
                        title: { type: "string" },
                        direction: { type: "string", enum: ["partner-to-provider", "provider-to-partner"] },
                        state: { type: "string", enum: ["missing", "pending", "active", "expiring", "expired", "rejected"] },
                        next: { type: ["string", "null"], enum: ["partner", "officer", "admin", null] },
                        step: { type: "string" },
                        since: { type: ["string", "null"], format: "date-time" },
                        expires: { type: ["string", "null"], format: "date-time" },
                      },
                    },
                  },
                },
              }),
            },
            "404": error("No such environment or organisation."),
          },
        }),
      },
      "/api/v1/server-chains": {
        post: withErrorStatuses(
          {
            summary: "Upload the CA chain your servers use (partners): PEM bundle, or base64 DER / PKCS#7; optionally your server certificate and the https URL the provider calls. Validated at once; officers endorse it.",
            requestBody: {
              required: true,
              content: json({
                type: "object",
                required: ["environment", "chain"],
                properties: {
                  environment: { type: "string" },
                  chain: { type: "string", description: "Root and intermediate CA certificates; at most 64 KiB." },
                  server: { type: "string", description: "Your server certificate (PEM)." },
                  endpoint: { type: "string", description: "https://host[:port][/path]" },
                },
              }),
            },
            responses: {
              "201": { description: "Stored, pending endorsement.", content: json({ type: "object", properties: { id: { type: "string" }, status: { const: "pending" }, findings: { type: "array", items: ref("Check") } } }) },
              "409": error("A chain of yours for this environment already waits for officers."),
              "413": error("An upload exceeds 64 KiB, or the body 160 KiB."),
              "422": {
                description: "A finding failed (nothing stored; `findings` lists every one: not a CA, broken signature, chain does not build, extra certificates, expired, too little validity left, weak key or hash, private key pasted…), or a field is invalid.",
                content: json({ allOf: [ref("Error"), { type: "object", properties: { findings: { type: "array", items: ref("Check") } } }] }),
              },
            },
          },
          "160 KiB",
        ),
        get: withErrorStatuses({
          summary: "List server CA chains (partners: their own; the gateway role: all).",
          parameters: [query("environment", "Environment code"), query("organisation", "Organisation code"), query("status", "pending, endorsed, rejected or retired")],
          responses: { "200": { description: "Chains.", content: json({ type: "object", properties: { chains: { type: "array", items: { type: "object" } } } }) } },
        }),
      },
      "/api/v1/server-chains/{id}/endorse": {
        post: withErrorStatuses({
          summary: "Endorse (officers). At the environment's number of distinct officers the chain is checked again and becomes active; the chain it replaces is retired.",
          parameters: [idParam("server CA chain")],
          requestBody: { required: false, content: json({ type: "object", properties: { comment: { type: "string", maxLength: 1000 } } }) },
          responses: {
            "200": { description: "The chain.", content: json({ type: "object" }) },
            "403": error("Not an officer, or the officer uploaded it."),
            "409": error("Already decided, or this officer already endorsed it."),
            "422": error("The comment is invalid, or the chain no longer passes its checks."),
          },
        }),
      },
      "/api/v1/server-chains/{id}/reject": {
        post: withErrorStatuses({
          summary: "Reject with a reason the partner sees (officers). An endorsed predecessor stays active.",
          parameters: [idParam("server CA chain")],
          requestBody: { required: true, content: json({ type: "object", required: ["reason"], properties: { reason: { type: "string", maxLength: 1000 } } }) },
          responses: { "200": { description: "The chain.", content: json({ type: "object" }) }, "409": error("Already decided."), "422": error("No reason given, or it is invalid.") },
        }),
      },
      "/api/v1/server-chains/{id}/download": {
        get: withErrorStatuses({
          summary: "Download a chain: pem (issuing CA first), p7b (PKCS#7), or p12 (a PKCS#12 truststore Java's keytool lists as trusted entries; password in the X-Truststore-Password header, 8–128 printable ASCII).",
          parameters: [idParam("server CA chain"), { name: "format", in: "query", required: false, schema: { type: "string", enum: [...SERVER_CHAIN_FORMATS], default: "pem" } }],
          responses: {
            "200": file("pem: application/x-pem-file; p7b: application/x-pkcs7-certificates; p12: application/x-pkcs12", { [MEDIA_TYPES.pem.contentType]: text, [MEDIA_TYPES.pkcs7.contentType]: binary, [MEDIA_TYPES.pkcs12.contentType]: binary }),
            "400": error("Unknown format."),
            "422": error("p12 without a valid password."),
          },
        }),
      },
      "/api/v1/openapi.json": { get: { summary: "This document.", security: [], responses: { "200": { description: "OpenAPI 3.1.", content: json({ type: "object" }) } } } },
      // Outside /api/v1 but public and named in every certificate (CRL distribution point, AIA caIssuers).
      "/crl/{file}": {
        get: {
          summary: "A CA's current CRL, DER (RFC 5280 §5): {ENV}.crl for the issuing CA, {ENV}-root.crl for the root, {ENV}-provider-client.crl for the provider client CA. Public.",
          security: [],
          parameters: [{ name: "file", in: "path", required: true, schema: { type: "string", examples: ["PPR.crl", "PPR-root.crl"] } }],
          responses: { "200": file("The CRL", { [MEDIA_TYPES.crl.contentType]: binary }), "404": error("No such CRL.") },
        },
      },
      "/ca/{file}": {
        get: {
          summary: "A CA certificate, DER: {ENV}-issuing.cer, {ENV}-root.cer or {ENV}-provider-client.cer. Public.",
          security: [],
          parameters: [{ name: "file", in: "path", required: true, schema: { type: "string", examples: ["PPR-issuing.cer"] } }],
          responses: { "200": file("The CA certificate", { [MEDIA_TYPES.certificateDer.contentType]: binary }), "404": error("No such CA certificate.") },
        },
      },
    },
  };
}
