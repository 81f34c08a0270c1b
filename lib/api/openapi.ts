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
import { endpointRegistryPaths } from "./openapi-endpoints";
import { withKeysetPaging } from "./openapi-paging";

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
  return withKeysetPaging(document(serverUrl));
}

function document(serverUrl: string) {
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
        ProviderCsr: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            status: { type: "string", enum: ["awaiting_certificate", "active", "retired", "cancelled"] },
            environment: { type: "string" },
            organisation: { type: "string" },
            subject: { type: "string" },
            publicKeyFingerprint: { type: "string" },
            keySource: { type: "string", enum: ["gateway", "keyport"] },
            csrPem: { type: "string" },
            minValidityDays: { type: "integer" },
            certificate: { type: ["object", "null"], properties: { serial: { type: "string" }, sha256Fingerprint: { type: "string" }, issuer: { type: "string" }, notAfter: { type: "string", format: "date-time" }, pem: { type: "string" } } },
            createdAt: { type: "string", format: "date-time" },
            signedAt: { type: ["string", "null"], format: "date-time" },
          },
        },
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
            status: { type: "string", enum: ["awaiting_partner_confirmation", "pending", "issued", "rejected"] },
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
                partnerRole: { type: "string", enum: ["partner_admin", "partner_security_officer", "viewer"], description: "A partner user's role within its organisation." },
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
      "/api/v1/partner/users": {
        get: withErrorStatuses({
          summary: "The users and open invitations of the caller's own organisation (partner admins; token scope read).",
          responses: {
            "200": {
              description: "Users and open invitations.",
              content: json({
                type: "object",
                properties: {
                  organisation: { type: "string" },
                  users: { type: "array", items: { type: "object", properties: { id: { type: "string", format: "uuid" }, email: { type: "string" }, name: { type: "string" }, partnerRole: { type: "string", enum: ["partner_admin", "partner_security_officer", "viewer"] }, state: { type: "string", enum: ["active", "disabled"] } } } },
                  invitations: { type: "array", items: { type: "object", properties: { id: { type: "string", format: "uuid" }, email: { type: "string" }, partnerRole: { type: "string", enum: ["partner_admin", "partner_security_officer", "viewer"] }, expiresAt: { type: "string", format: "date-time" } } } },
                },
              }),
            },
          },
        }),
      },
      "/api/v1/partner/invitations": {
        post: withErrorStatuses({
          summary: "Invite someone to the caller's own organisation in a partner role (partner admins; token scope admin). They get a mail with a single-use link that expires (KEYPORT_INVITATION_HOURS, default 72); the link is never returned.",
          requestBody: { required: true, content: json({ type: "object", required: ["email", "partnerRole"], properties: { email: { type: "string", format: "email" }, name: { type: "string", maxLength: 100 }, partnerRole: { type: "string", enum: ["partner_admin", "partner_security_officer", "viewer"] } } }) },
          responses: {
            "201": { description: "Invited.", content: json({ type: "object", properties: { id: { type: "string", format: "uuid" }, email: { type: "string" }, partnerRole: { type: "string", enum: ["partner_admin", "partner_security_officer", "viewer"] }, expiresAt: { type: "string", format: "date-time" } } }) },
            "409": error("The address already has a Keyport account, or the organisation is disabled."),
          },
        }),
      },
      "/api/v1/partner/users/{id}": {
        patch: withErrorStatuses({
          summary: "Change the partner role of a user of the caller's own organisation (partner admins; token scope admin). Ends the user's sessions and revokes their API tokens; audited before and after.",
          parameters: [idParam("user")],
          requestBody: { required: true, content: json({ type: "object", required: ["partnerRole"], properties: { partnerRole: { type: "string", enum: ["partner_admin", "partner_security_officer", "viewer"] } } }) },
          responses: {
            "200": { description: "The change.", content: json({ type: "object", properties: { id: { type: "string" }, email: { type: "string" }, partnerRole: { type: "string", enum: ["partner_admin", "partner_security_officer", "viewer"] }, changed: { type: "boolean" } } }) },
            "409": error("A partner admin cannot change their own role."),
          },
        }),
      },
      "/api/v1/partner/users/{id}/disable": {
        post: withErrorStatuses({
          summary: "Disable a user of the caller's own organisation (partner admins; token scope admin): sessions end, tokens are refused. Idempotent.",
          parameters: [idParam("user")],
          responses: { "200": { description: "The user's state.", content: json(ref("AccountState")) }, "409": error("A partner admin cannot disable their own account.") },
        }),
      },
      "/api/v1/partner/users/{id}/enable": {
        post: withErrorStatuses({
          summary: "Enable a disabled user of the caller's own organisation again (partner admins; token scope admin). Idempotent.",
          parameters: [idParam("user")],
          responses: { "200": { description: "The user's state.", content: json(ref("AccountState")) } },
        }),
      },
      "/api/v1/partner/tokens": {
        get: withErrorStatuses({
          summary: "API tokens of the caller's own organisation's users: scope, last use and expiry (partner admins; token scope read).",
          responses: { "200": { description: "The tokens (never their values).", content: json({ type: "object", properties: { tokens: { type: "array", items: { type: "object" } } } }) } },
        }),
        post: withErrorStatuses({
          summary: "Create an API token for a user of the caller's own organisation (partner admins; token scope admin). The token is returned once.",
          requestBody: {
            required: true,
            content: json({ type: "object", required: ["user"], properties: { user: { type: "string", format: "email" }, name: { type: "string" }, scopes: { type: "array", items: { type: "string" } }, expiresAt: { type: "string", format: "date-time" } } }),
          },
          responses: {
            "201": { description: "The token (shown once).", content: json({ type: "object", properties: { id: { type: "string" }, prefix: { type: "string" }, scopes: { type: "array", items: { type: "string" } }, token: { type: "string" } } }) },
            "404": error("No such user in the caller's organisation."),
            "409": error("The user is disabled."),
          },
        }),
      },
      "/api/v1/partner/tokens/{id}/revoke": {
        post: withErrorStatuses({
          summary: "Revoke an API token of the caller's own organisation (partner admins; token scope admin).",
          parameters: [idParam("token")],
          responses: { "200": { description: "Revoked.", content: json({ type: "object", properties: { id: { type: "string" }, prefix: { type: "string" } } }) }, "409": error("Already revoked.") },
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
      "/api/v1/certificate-requests/{id}/confirm": {
        post: withErrorStatuses({
          summary: "Confirm a request of the caller's organisation that waits for a second partner security officer (partner security officers; token scope submit). Only then does it reach the provider's officers.",
          parameters: [idParam("request")],
          requestBody: { required: false, content: json({ type: "object", properties: { comment: { type: "string", maxLength: 500 } } }) },
          responses: {
            "200": { description: "Now pending review.", content: json({ type: "object", properties: { id: { type: "string" }, status: { const: "pending" }, confirmedAt: { type: "string", format: "date-time" } } }) },
            "409": error("It does not wait for a confirmation, or the caller submitted it (a different partner security officer confirms)."),
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
          summary: "List certificates (partners: their organisation's), soonest to expire first, one page at a time.",
          parameters: [
            query("environment", "Environment code"),
            query("organisation", "Organisation code"),
            query("status", "valid, expiring, expired or revoked"),
            query("q", "Serial, SHA-256 fingerprint or part of the subject"),
            query("limit", "Page size, 1–1000 (default 200)", { type: "integer", minimum: 1, maximum: 1000 }),
            query("cursor", "The nextCursor of the previous page (opaque)"),
          ],
          responses: {
            "200": {
              description: "One page of certificates; nextCursor fetches the next (null on the last page).",
              content: json({ type: "object", properties: { certificates: { type: "array", items: ref("Certificate") }, nextCursor: { type: ["string", "null"] } } }),
            },
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
                        kind: { type: "string", examples: ["partner-client-certificate", "source-ips", "partner-server-chain", "provider-client-ca", "provider-client-certificate", "provider-csr-signed", "provider-server-chain"] },
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
      // Endpoint registry and readiness probe (issue 18, items 5–6)
      ...endpointRegistryPaths({ withErrorStatuses, error, json, idParam, codeParam, query }),
      // ── JWS signing keys (issue 18) ──
      "/api/v1/jws-keys": {
        post: withErrorStatuses(
          {
            summary:
              "Upload a JWS public key (partners): PEM SubjectPublicKeyInfo, a JWK (or one-key JWK Set), or a PEM X.509 certificate. Re-encoded and stored as SPKI + public JWK; kid = RFC 7638 thumbprint. RSA ≥ 2048 (RS256, PS256) or EC P-256 (ES256), as the environment allows. Officers endorse it; your endorsed keys stay active until their retire dates.",
            requestBody: {
              required: true,
              content: json({
                type: "object",
                required: ["environment", "key"],
                properties: { environment: { type: "string" }, key: { type: "string", description: "At most 64 KiB." }, alg: { type: "string", enum: ["RS256", "PS256", "ES256"], description: "For RSA keys: RS256 (default) or PS256." } },
              }),
            },
            responses: {
              "201": { description: "Stored, pending endorsement.", content: json({ type: "object", properties: { id: { type: "string" }, status: { const: "pending" }, kid: { type: "string" }, alg: { type: "string" }, key: { type: "string" } } }) },
              "409": error("A key of yours for this environment already waits for officers, or this key is already registered as a JWS key."),
              "413": error("The key exceeds 64 KiB, or the body 80 KiB."),
              "422": error("Refused, nothing stored: a private key (JWK with d, any PRIVATE KEY PEM), RSA < 2048, a curve other than P-256, an alg the key or environment forbids, an expired certificate, a key already used for TLS, or an invalid field."),
            },
          },
          "80 KiB",
        ),
        get: withErrorStatuses({
          summary: "List JWS keys (partners: their own). `state`: pending, active, retired or rejected.",
          parameters: [query("environment", "Environment code"), query("organisation", "Organisation code"), query("status", "pending, endorsed or rejected")],
          responses: { "200": { description: "Keys.", content: json({ type: "object", properties: { keys: { type: "array", items: { type: "object" } } } }) } },
        }),
      },
      "/api/v1/jws-keys/{id}": {
        get: withErrorStatuses({ summary: "One JWS key.", parameters: [idParam("JWS key")], responses: { "200": { description: "The key.", content: json({ type: "object" }) } } }),
      },
      "/api/v1/jws-keys/{id}/endorse": {
        post: withErrorStatuses({
          summary: "Endorse (officers). At the environment's number of distinct officers the key becomes active; the partner's other active keys stay active until their retire dates.",
          parameters: [idParam("JWS key")],
          requestBody: { required: false, content: json({ type: "object", properties: { comment: { type: "string", maxLength: 1000 } } }) },
          responses: {
            "200": { description: "The key.", content: json({ type: "object" }) },
            "403": error("Not an officer, or the officer uploaded it."),
            "409": error("Already decided, or this officer already endorsed it."),
            "422": error("The comment is invalid, or the environment no longer allows the key's alg."),
          },
        }),
      },
      "/api/v1/jws-keys/{id}/reject": {
        post: withErrorStatuses({
          summary: "Reject with a reason the partner sees (officers).",
          parameters: [idParam("JWS key")],
          requestBody: { required: true, content: json({ type: "object", required: ["reason"], properties: { reason: { type: "string", maxLength: 1000 } } }) },
          responses: { "200": { description: "The key.", content: json({ type: "object" }) }, "409": error("Already decided."), "422": error("No reason given, or it is invalid.") },
        }),
      },
      "/api/v1/jws-keys/{id}/retire": {
        post: withErrorStatuses({
          summary: 'Set the date an active key stops verifying (the partner, or an officer): "now", or a later ISO 8601 date so its successor overlaps it. The date can be moved while the key is active.',
          parameters: [idParam("JWS key")],
          requestBody: { required: true, content: json({ type: "object", required: ["retireAt"], properties: { retireAt: { type: "string", examples: ["now", "2027-01-31T00:00:00Z"] } } }) },
          responses: { "200": { description: "The key.", content: json({ type: "object" }) }, "409": error("The key is not active (pending, rejected or retired)."), "422": error("The date is invalid or in the past.") },
        }),
      },
      "/api/v1/provider-jws-keys": {
        post: withErrorStatuses(
          {
            summary: 'Add a provider JWS key (admins): `"generate": true` (Keyport makes the key pair, seals the private key, never returns it; alg RS256 default, PS256 or ES256) or `key` (a public key signed elsewhere). Existing keys stay active until their retire dates.',
            requestBody: { required: true, content: json({ type: "object", required: ["environment"], properties: { environment: { type: "string" }, generate: { type: "boolean" }, alg: { type: "string", enum: ["RS256", "PS256", "ES256"] }, key: { type: "string" } } }) },
            responses: {
              "201": { description: "The key (public half).", content: json({ type: "object", properties: { id: { type: "string" }, kid: { type: "string" }, alg: { type: "string" }, jwk: { type: "object" }, state: { type: "string" } } }) },
              "409": error("This key is already registered as a JWS key."),
              "413": error("The key exceeds 64 KiB, or the body 80 KiB."),
              "422": error("Neither or both of generate and key; a refused key (as for partners' keys); an alg the environment forbids."),
            },
          },
          "80 KiB",
        ),
        get: withErrorStatuses({
          summary: "The provider's JWS keys (partners: active keys only; `active=true` for everyone).",
          parameters: [query("environment", "Environment code"), query("active", "true: only active keys")],
          responses: { "200": { description: "Keys.", content: json({ type: "object", properties: { keys: { type: "array", items: { type: "object" } } } }) } },
        }),
      },
      "/api/v1/provider-jws-keys/{id}/retire": {
        post: withErrorStatuses({
          summary: 'Set the date a provider key stops being published (admins): "now" or a later ISO 8601 date.',
          parameters: [idParam("provider JWS key")],
          requestBody: { required: true, content: json({ type: "object", required: ["retireAt"], properties: { retireAt: { type: "string" } } }) },
          responses: { "200": { description: "The key.", content: json({ type: "object" }) }, "409": error("Already retired."), "422": error("The date is invalid or in the past.") },
        }),
      },
      "/api/v1/provider-jws-keys/{id}/download": {
        get: withErrorStatuses({
          summary: "A provider key's public half: pem (SubjectPublicKeyInfo) or jwk (with kid, alg, use). Partners: active keys only.",
          parameters: [idParam("provider JWS key"), { name: "format", in: "query", required: false, schema: { type: "string", enum: ["pem", "jwk"], default: "pem" } }],
          responses: { "200": file("pem: application/x-pem-file; jwk: application/jwk+json", { "application/x-pem-file": text, "application/jwk+json": text }), "400": error("Unknown format.") },
        }),
      },
      "/api/v1/jws/verify": {
        post: withErrorStatuses(
          {
            summary:
              "Check a signature with a partner's keys (partners: their own; officers and admins name `organisation`): a Mojaloop request (method, url, headers with FSPIOP-Signature, body) or a compact JWS (attached, or detached with `body`). 200 either way; `reason` says why not: malformed, alg_not_allowed, unknown_kid, no_keys, body_changed, key_retired, key_not_endorsed, header_missing or header_mismatch (`header` names FSPIOP-URI, FSPIOP-HTTP-Method, FSPIOP-Source, FSPIOP-Destination or Date).",
            requestBody: {
              required: true,
              content: json({
                type: "object",
                required: ["environment"],
                properties: {
                  environment: { type: "string" },
                  organisation: { type: "string" },
                  method: { type: "string" },
                  url: { type: "string" },
                  headers: { oneOf: [{ type: "string", description: '"Name: value" lines' }, { type: "object", additionalProperties: { type: "string" } }] },
                  body: { type: "string" },
                  jws: { type: "string" },
                },
              }),
            },
            responses: {
              "200": {
                description: "The verdict and every check.",
                content: json({
                  type: "object",
                  properties: {
                    verified: { type: "boolean" },
                    reason: { type: ["string", "null"] },
                    header: { type: ["string", "null"] },
                    message: { type: "string" },
                    kid: { type: ["string", "null"] },
                    alg: { type: ["string", "null"] },
                    checks: { type: "array", items: { type: "object" } },
                  },
                }),
              },
              "404": error("No such organisation (or another partner's)."),
              "413": error("The body exceeds 160 KiB."),
            },
          },
          "160 KiB",
        ),
      },
      "/api/v1/provider-certificate-requests": {
        post: withErrorStatuses({
          summary:
            "Issue one of the provider's outbound client certificates under the environment's provider client CA (officers, admins): `csr` (made on the egress gateway; the key stays there) or `commonName` (Keyport generates and seals the key; an admin downloads it once). Dual control: the caller counts as the first of the environment's distinct approvers; with one required it is issued at once (201), else it waits for further officers (202).",
          requestBody: { required: true, content: json({ type: "object", required: ["environment"], properties: { environment: { type: "string" }, csr: { type: "string" }, commonName: { type: "string", maxLength: 64 } } }) },
          responses: {
            "201": { description: "Issued.", content: json({ type: "object", properties: { status: { const: "issued" }, id: { type: "string" }, serial: { type: "string" }, subject: { type: "string" }, notAfter: { type: "string" } } }) },
            "202": { description: "Waiting for officers.", content: json({ type: "object", properties: { status: { const: "pending" }, requestId: { type: "string" }, approvals: { type: "integer" }, approvalsRequired: { type: "integer" } } }) },
            "409": error("The environment has no provider client CA."),
            "422": error("An unknown environment, or a CSR Keyport refuses (signature, key, subject), or an invalid CN."),
          },
        }),
        get: withErrorStatuses({
          summary: "Issuances waiting for officers, and recent decisions (of one environment, or all); `status=pending` for only the waiting ones.",
          parameters: [query("environment", "Environment code"), query("status", "pending, issued or rejected")],
          responses: { "200": { description: "Requests.", content: json({ type: "object", properties: { requests: { type: "array", items: { type: "object" } } } }) } },
        }),
      },
      "/api/v1/provider-certificate-requests/{id}/approve": {
        post: withErrorStatuses({
          summary: "Approve a waiting issuance (officers; never the one who asked, each officer once). At the environment's number of distinct approvers the certificate is issued.",
          parameters: [idParam("provider certificate request")],
          requestBody: { required: false, content: json({ type: "object", properties: { comment: { type: "string", maxLength: 1000 } } }) },
          responses: {
            "200": { description: "Still pending, or issued.", content: json({ type: "object" }) },
            "403": error("Not an officer, or the officer asked for it."),
            "409": error("Already decided, or this officer already approved it."),
            "422": error("The comment is invalid, or the stored CSR no longer passes its checks."),
          },
        }),
      },
      "/api/v1/provider-certificate-requests/{id}/reject": {
        post: withErrorStatuses({
          summary: "Reject a waiting issuance with a reason (officers); nothing is issued.",
          parameters: [idParam("provider certificate request")],
          requestBody: { required: true, content: json({ type: "object", required: ["reason"], properties: { reason: { type: "string", maxLength: 1000 } } }) },
          responses: { "200": { description: "Rejected.", content: json({ type: "object" }) }, "403": error("Not an officer, or the officer asked for it."), "409": error("Already decided."), "422": error("No reason given, or it is invalid.") },
        }),
      },
      "/api/v1/provider-csrs": {
        post: withErrorStatuses({
          summary:
            "Create the provider's CSR for one partner's CA to sign (admins; Mojaloop, Thales \"if required\"): `commonName` (Keyport generates a P-256 key, sealed until one admin download; subject O=<provider>, CN=<commonName>, profile provider-client) or `csr` (made on the provider's gateway; the key stays there). One CSR per organisation and environment waits for the partner at a time.",
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["environment", "organisation"],
              properties: { environment: { type: "string" }, organisation: { type: "string" }, commonName: { type: "string", maxLength: 64 }, csr: { type: "string", description: "PEM CSR made on the gateway (RSA ≥ 2048 or ECDSA P-256/P-384, a CN)." } },
            }),
          },
          responses: {
            "201": { description: "The CSR, waiting for the partner's certificate.", content: json(ref("ProviderCsr")) },
            "409": error("A CSR for this organisation and environment already waits for the partner."),
            "422": error("Neither or both of commonName and csr, an unknown environment or organisation, or a CSR Keyport refuses (signature, key, subject)."),
          },
        }),
        get: withErrorStatuses({
          summary: "List provider CSRs (partners: those for their organisation to sign).",
          parameters: [query("environment", "Environment code"), query("organisation", "Organisation code"), query("status", "awaiting_certificate, active, retired or cancelled")],
          responses: { "200": { description: "CSRs, newest first.", content: json({ type: "object", properties: { csrs: { type: "array", items: ref("ProviderCsr") } } }) } },
        }),
      },
      "/api/v1/provider-csrs/{id}": {
        get: withErrorStatuses({ summary: "One provider CSR, with its certificate once a partner's CA signed it.", parameters: [idParam("provider CSR")], responses: { "200": { description: "The CSR.", content: json(ref("ProviderCsr")) } } }),
      },
      "/api/v1/provider-csrs/{id}/csr": {
        get: withErrorStatuses({
          summary: "The CSR as a file for the partner to sign with its CA (PEM, PKCS#10). The download is audited.",
          parameters: [idParam("provider CSR")],
          responses: { "200": file("application/pkcs10 (PEM)", { "application/pkcs10": text }) },
        }),
      },
      "/api/v1/provider-csrs/{id}/certificate": {
        post: withErrorStatuses(
          {
            summary:
              "Upload the certificate your CA issued for the provider's CSR (partners). Keyport checks that it carries the CSR's public key and subject, is issued by a CA of your ENDORSED server CA chain of that environment, asserts clientAuth and is valid for at least the environment's minimum; then it is the provider's active client certificate towards you (the egress gateway presents it), and the previous one is retired.",
            parameters: [idParam("provider CSR")],
            requestBody: { required: true, content: json({ type: "object", required: ["certificate"], properties: { certificate: { type: "string", description: "PEM (or base64 DER); CA certificates of your endorsed chain may follow it. At most 64 KiB." } } }) },
            responses: {
              "200": { description: "Accepted: the CSR is active.", content: json(ref("ProviderCsr")) },
              "403": error("Not a partner user."),
              "409": error("The CSR no longer waits for a certificate, or your organisation has no endorsed server CA chain in that environment."),
              "413": error("The certificate exceeds 64 KiB, or the body 160 KiB."),
              "422": {
                description: "A finding failed (nothing stored; `findings` lists each: another public key, another subject, not issued by your endorsed chain, a broken signature, no clientAuth, too short a validity, expired, a private key pasted, extra certificates), or a field is invalid.",
                content: json({ allOf: [ref("Error"), { type: "object", properties: { findings: { type: "array", items: ref("Check") } } }] }),
              },
            },
          },
          "160 KiB",
        ),
      },
      "/.well-known/jwks/{file}": {
        get: {
          summary:
            "{ENV}.json: every endorsed, unretired partner JWS key of an environment (kid, alg, use \"sig\", org, and x5c / x5t#S256 when uploaded as a certificate); `?org=CODE` for one partner. Needs a token (gateway, officer, admin; a partner gets its own keys). ETag + `Cache-Control: private, max-age≤300, must-revalidate`; If-None-Match → 304.",
          parameters: [{ name: "file", in: "path", required: true, schema: { type: "string", examples: ["PPR.json"] } }, query("org", "Organisation code")],
          responses: {
            "200": { description: "The JWK Set.", headers: { ETag: { schema: { type: "string" } } }, content: { "application/jwk-set+json": { schema: { type: "object" } } } },
            "304": { description: "Not modified (If-None-Match)." },
            "401": error("No token, or a bad one."),
            "403": error("The token's role may not read JWS keys."),
            "404": error("No such file or organisation."),
            "422": error("Unknown environment."),
          },
        },
      },
      "/.well-known/jwks/{env}/{file}": {
        get: {
          summary: "provider.json: the provider's active JWS keys, public (`Cache-Control: public`). {ORG}.json: one partner's keys, with a token as for /.well-known/jwks/{ENV}.json.",
          security: [],
          parameters: [{ name: "env", in: "path", required: true, schema: { type: "string" } }, { name: "file", in: "path", required: true, schema: { type: "string", examples: ["provider.json", "acme.json"] } }],
          responses: {
            "200": { description: "The JWK Set.", headers: { ETag: { schema: { type: "string" } } }, content: { "application/jwk-set+json": { schema: { type: "object" } } } },
            "304": { description: "Not modified (If-None-Match)." },
            "401": error("{ORG}.json without a token, or a bad one."),
            "404": error("No such file or organisation."),
            "422": error("Unknown environment."),
          },
        },
      },
      "/api/v1/provider-csrs/{id}/cancel": {
        post: withErrorStatuses({
          summary: "Cancel a CSR that still waits for the partner (admins); a Keyport-generated key is erased.",
          parameters: [idParam("provider CSR")],
          responses: { "200": { description: "The CSR, cancelled.", content: json(ref("ProviderCsr")) }, "409": error("It no longer waits for the partner.") },
        }),
      },
      "/api/v1/provider-csrs/{id}/key": {
        post: withErrorStatuses({
          summary: "The one download of a Keyport-generated key (admins): PKCS#12 with the partner-signed certificate and the partner's chain, under the password given (8–128 printable ASCII). Keyport then erases its copy.",
          parameters: [idParam("provider CSR")],
          requestBody: { required: true, content: json({ type: "object", required: ["password"], properties: { password: { type: "string", minLength: 8, maxLength: 128 } } }) },
          responses: {
            "200": file("application/x-pkcs12", { [MEDIA_TYPES.pkcs12.contentType]: binary }),
            "409": error("The key was made on the gateway, was already downloaded, or the partner's certificate is not accepted yet."),
            "422": error("No valid password."),
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
