// OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. A test checks
// that every route handler under app/api/v1 appears here (and nothing else does).
import { CERTIFICATE_FORMATS } from "@/lib/services/certificates/download-certificate";
import { OFFICER_REVOCATION_REASONS, PARTNER_REVOCATION_REASONS } from "@/lib/services/certificates/revoke-certificate";
import { CA_CHAIN_FORMATS } from "@/lib/services/ca/ca-chain";
import { EXPORT_FORMATS } from "@/lib/services/allowlist/allowlist-requests";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ "application/json": { schema } });
const error = (description: string) => ({ description, content: json(ref("Error")) });
const idParam = (what: string) => ({ name: "id", in: "path", required: true, description: `The ${what}'s id (UUID).`, schema: { type: "string", format: "uuid" } });
const query = (name: string, description: string, schema: unknown = { type: "string" }) => ({ name, in: "query", required: false, description, schema });
const common = { "401": error("Missing, unknown or revoked token."), "403": error("The token's role may not do this.") };
const notFound = error("No such object, or it belongs to another organisation (the two are indistinguishable).");

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Keyport API",
      version: "1",
      description:
        "Certificate requests, certificates, source-IP allowlists and CA chains for mutual TLS. Authenticate with `Authorization: Bearer <token>` (tokens are created by an admin). Every error is `{ \"error\": { \"code\", \"message\", \"fields\"? } }`.",
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
                code: { type: "string", enum: ["bad_request", "unauthenticated", "forbidden", "not_found", "conflict", "too_large", "validation_failed", "rate_limited", "internal"] },
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
      "/api/v1/me": { get: { summary: "The token's user, role and organisation.", responses: { "200": { description: "Who you are." }, ...common } } },
      "/api/v1/environments": { get: { summary: "Environments (e.g. PPR, PRD) and their approval rules.", responses: { "200": { description: "The environments." }, ...common } } },
      "/api/v1/certificate-requests": {
        post: {
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
              },
            }),
          },
          responses: {
            "201": { description: "Stored, pending review.", content: json({ type: "object", properties: { id: { type: "string" }, status: { const: "pending" }, checks: { type: "array", items: ref("Check") } } }) },
            "400": error("Body is not a JSON object."),
            "413": error("The CSR or body exceeds 64 KiB."),
            "422": { description: "A check failed (nothing stored) or a field is invalid.", content: json({ allOf: [ref("Error"), { type: "object", properties: { checks: { type: "array", items: ref("Check") } } }] }) },
            ...common,
          },
        },
        get: {
          summary: "List requests (partners: their organisation's).",
          parameters: [query("status", "pending, issued or rejected"), query("environment", "Environment code"), query("organisation", "Organisation code (officers)")],
          responses: { "200": { description: "Requests.", content: json({ type: "object", properties: { requests: { type: "array", items: ref("CertificateRequest") } } }) }, ...common },
        },
      },
      "/api/v1/certificate-requests/{id}": {
        get: { summary: "One request with its checks, approvals and outcome.", parameters: [idParam("request")], responses: { "200": { description: "The request.", content: json(ref("CertificateRequest")) }, "404": notFound, ...common } },
      },
      "/api/v1/certificate-requests/{id}/approve": {
        post: {
          summary: "Approve (officers). The final required approval issues the certificate.",
          parameters: [idParam("request")],
          requestBody: { required: false, content: json({ type: "object", properties: { comment: { type: "string" } } }) },
          responses: {
            "200": { description: "pending with the approvals so far, or issued with certificateId.", content: json(ref("CertificateRequest")) },
            "403": error("Not an officer, or the officer submitted the request."),
            "404": notFound,
            "409": error("Already decided, or this officer already approved."),
            "422": error("The CSR no longer passes its profile."),
            "401": common["401"],
          },
        },
      },
      "/api/v1/certificate-requests/{id}/reject": {
        post: {
          summary: "Reject with a reason the partner sees (officers).",
          parameters: [idParam("request")],
          requestBody: { required: true, content: json({ type: "object", required: ["reason"], properties: { reason: { type: "string" } } }) },
          responses: { "200": { description: "The rejected request.", content: json(ref("CertificateRequest")) }, "404": notFound, "409": error("Already decided."), "422": error("No reason given."), ...common },
        },
      },
      "/api/v1/certificates": {
        get: {
          summary: "List certificates (partners: their organisation's).",
          parameters: [query("environment", "Environment code"), query("organisation", "Organisation code"), query("status", "valid, expiring, expired or revoked"), query("q", "Serial, SHA-256 fingerprint or part of the subject")],
          responses: { "200": { description: "Certificates.", content: json({ type: "object", properties: { certificates: { type: "array", items: ref("Certificate") } } }) }, ...common },
        },
      },
      "/api/v1/certificates/{id}": {
        get: { summary: "One certificate, with its timeline (issued, connectivity verified, revoked, expired).", parameters: [idParam("certificate")], responses: { "200": { description: "The certificate.", content: json(ref("CertificateWithTimeline")) }, "404": notFound, ...common } },
      },
      "/api/v1/certificates/{id}/download": {
        get: {
          summary: "Download: pem (leaf), chain (leaf→root), chain-root-first, der (.cer), p7b (PKCS#7 with the chain), zip (all of them and a README).",
          parameters: [idParam("certificate"), { name: "format", in: "query", required: false, schema: { type: "string", enum: [...CERTIFICATE_FORMATS], default: "pem" } }],
          responses: { "200": { description: "The file (Content-Disposition: attachment)." }, "400": error("Unknown format."), "404": notFound, ...common },
        },
      },
      "/api/v1/certificates/{id}/pkcs12": {
        post: {
          summary: "PKCS#12 truststore: the issuing CA and root that signed the certificate, as trusted entries, protected by your password (printable ASCII, 8–128 characters).",
          parameters: [idParam("certificate")],
          requestBody: { required: true, content: json({ type: "object", required: ["password"], properties: { password: { type: "string" } } }) },
          responses: { "200": { description: "application/x-pkcs12" }, "404": notFound, "422": error("Password too short or not printable ASCII."), ...common },
        },
      },
      "/api/v1/certificates/{id}/revoke": {
        post: {
          summary: "Revoke at once; the CRL is regenerated.",
          parameters: [idParam("certificate")],
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["reason"],
              properties: { reason: { type: "string", enum: [...OFFICER_REVOCATION_REASONS], description: `Partners: ${PARTNER_REVOCATION_REASONS.join(", ")}.` }, comment: { type: "string" } },
            }),
          },
          responses: { "200": { description: "The revoked certificate.", content: json(ref("CertificateWithTimeline")) }, "404": notFound, "409": error("Already revoked."), "422": error("Reason not allowed."), ...common },
        },
      },
      "/api/v1/ip-allowlist-requests": {
        post: {
          summary: "Ask for source IPs (IPv4/IPv6 addresses or CIDR ranges) to be added to, or removed from, an environment's allowlist (partners).",
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["environment", "entries"],
              properties: { environment: { type: "string" }, kind: { type: "string", enum: ["add", "remove"], default: "add" }, entries: { type: "array", items: { type: "string" }, maxItems: 50 }, note: { type: "string" } },
            }),
          },
          responses: {
            "201": { description: "Stored, pending review.", content: json(ref("AllowlistRequest")) },
            "422": { description: "One error per bad entry (host bits set, too wide, reserved range in production, duplicate…).", content: json({ allOf: [ref("Error"), { type: "object", properties: { entries: { type: "array" } } }] }) },
            ...common,
          },
        },
        get: { summary: "List allowlist requests.", parameters: [query("status", "pending, approved or rejected"), query("environment", "Environment code")], responses: { "200": { description: "Requests." }, ...common } },
      },
      "/api/v1/ip-allowlist-requests/{id}": {
        get: { summary: "One allowlist request.", parameters: [idParam("request")], responses: { "200": { description: "The request.", content: json(ref("AllowlistRequest")) }, "404": notFound, ...common } },
      },
      "/api/v1/ip-allowlist-requests/{id}/approve": {
        post: { summary: "Approve (officers); the final required approval changes the allowlist.", parameters: [idParam("request")], responses: { "200": { description: "The request." }, "404": notFound, "409": error("Already decided or already approved by you."), ...common } },
      },
      "/api/v1/ip-allowlist-requests/{id}/reject": {
        post: { summary: "Reject with a reason (officers).", parameters: [idParam("request")], responses: { "200": { description: "The request." }, "404": notFound, "422": error("No reason given."), ...common } },
      },
      "/api/v1/ip-allowlist": {
        get: { summary: "Approved allowlist entries (partners: their own).", parameters: [query("environment", "Environment code")], responses: { "200": { description: "Entries." }, ...common } },
      },
      "/api/v1/environments/{code}/allowlist": {
        get: {
          summary: "Export the environment's allowlist (officers, admins, gateway tokens).",
          parameters: [{ name: "code", in: "path", required: true, schema: { type: "string" } }, { name: "format", in: "query", schema: { type: "string", enum: [...EXPORT_FORMATS], default: "json" } }],
          responses: { "200": { description: "json, txt (one CIDR per line) or nginx (`allow …;` lines ending with `deny all;`)." }, "404": error("No such environment."), ...common },
        },
      },
      "/api/v1/environments/{code}/ca": {
        get: {
          summary: "The provider's CA chain for an environment. Public: no token needed.",
          security: [],
          parameters: [{ name: "code", in: "path", required: true, schema: { type: "string" } }, { name: "format", in: "query", schema: { type: "string", enum: [...CA_CHAIN_FORMATS], default: "pem" } }],
          responses: { "200": { description: "PEM chain (issuing CA first), PKCS#7, or one CA certificate in DER." }, "404": error("No such environment or no CA yet.") },
        },
      },
      "/api/v1/openapi.json": { get: { summary: "This document.", security: [], responses: { "200": { description: "OpenAPI 3.1." } } } },
    },
  };
}
