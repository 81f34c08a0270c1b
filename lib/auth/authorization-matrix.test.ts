// The authorization matrix: every way into Keyport (API route, page route, server action, page),
// who may use it, and proof that everyone else is refused and nothing is written for them.
//
// THE TABLES BELOW ARE THE ONE PLACE A NEW ENTRY POINT IS ADDED. The tests walk the file system
// (app/api/v1/**/route.ts, app/**/route.ts, lib/actions/*.ts, app/**/page.tsx) and fail, naming
// the table to extend, for any route file, method, action or page that no row describes, and
// for any row whose entry point is gone.
//
// Expected outcomes are never written by hand per role: they follow from each row's permission
// and lib/auth/permissions.ts (roleHas). No token, or a malformed, unknown or revoked one: 401.
// A valid token or actor whose role lacks the permission: 403. A role that has it: never 401 or
// 403. A row with `object` names an object of organisation A (a certificate request, a
// certificate, an allowlist request or entry): partner B, who holds the same permission, gets
// exactly what a missing id gets (404 on routes), and officers and admins never get 404. Every
// refused call is followed by a count of the rows of every table, and the object's own row, to
// show it wrote nothing (audit events included).
//
// How each kind of entry point is exercised (real PostgreSQL, real services, no mocks):
// - /api/v1 route handlers are imported and called with a Request, exactly as Next.js calls
//   them. withApi and publicApi record the guard they apply (guardOf in lib/api/handler.ts), and
//   the table must name the same permission, so the table cannot drift from the code.
// - Server actions and page routes that take a web session cannot be called outside a Next.js
//   request: requireActionActor/requireRouteActor read next-auth's cookie through next/headers
//   (and web-actor.ts is "server-only"). Faking Next's request scope would tie the test to Next's
//   internals and still not be the request Next builds. So the test splits the entry point at the
//   one seam that carries authority, the Actor:
//     1. source (TypeScript syntax tree): the entry point's first act is
//        `const actor = await requireActionActor()` (`requireRouteActor()` for routes), which has no
//        other outcome than a signed-in user or AppError("unauthenticated") (a 401 through
//        errorResponse, a form message through formError); a route's own area check, if any, comes
//        next; it then calls exactly the service(s) its row names, each with that `actor` first,
//        and the row's service is the very function the entry point imports; it reads no
//        database directly;
//     2. behaviour: that same service function is called with every role's Actor, with inputs
//        that succeed for a role allowed to, so the authorize() inside it is exercised for real.
//   What this leaves out is the cookie → session → Actor step itself (getWebActor): the session
//   rows it trusts are tested in lib/auth/sessions.test.ts, and the whole chain under a real
//   Next.js server by the Playwright specs (e2e/auth.spec.ts: no session, wrong role → 403 page;
//   e2e/session.spec.ts: ended sessions).
// - Public CA/CRL routes (optionalActor) are called directly: anonymous is served and not
//   audited, a bad token is refused, a valid one is served and audited.
// - Pages: by source, each page under a role area begins with requirePageActor(<that area>, <its
//   own path>); layouts only redirect, so nothing else stands between a URL and its data.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ACTOR, type Actor, authorize } from "@/lib/auth/actor";
import { type Grantee, type Permission, areaForPath, roleHas } from "@/lib/auth/permissions";
import { guardOf } from "@/lib/api/handler";
import { RATE_LIMIT_TABLE, closeApiRateLimits } from "@/lib/api/rate-limit";
import { PEER_HEADER, peerHeaderValue } from "@/lib/auth/client-ip";
import { disconnectDb, getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { DEFAULT_PROFILE } from "@/lib/policy/profile";
import { analyseEntry, exportedValues, hasDirective, importsOf, isAsync, parseSource, pathPattern } from "@/lib/testing/inspect-source";
import { makeEnvironment, makeUser, makeWorld, opensslCsr, uniq } from "@/lib/testing/world";
import { approveAllowlistRequest, exportAllowlist, rejectAllowlistRequest, submitAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { createAuditCheckpoint } from "@/lib/services/audit/create-audit-checkpoint";
import { getAuditCheckpointFile, getCheckpointPublicKey } from "@/lib/services/audit/read-audit-checkpoints";
import { exportAuditEvents } from "@/lib/services/audit/search-audit-events";
import { downloadCertificate, downloadTruststore } from "@/lib/services/certificates/download-certificate";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { createOrganisation } from "@/lib/services/organisations/create-organisation";
import { updateMyOrganisation } from "@/lib/services/organisations/get-my-organisation";
import { createProfile, updateProfile } from "@/lib/services/profiles/manage-profiles";
import { approveCertificateRequest, rejectCertificateRequest } from "@/lib/services/requests/decide-request";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { createToken } from "@/lib/services/tokens/create-token";
import { revokeToken } from "@/lib/services/tokens/revoke-token";
import { newToken } from "@/lib/services/tokens/token-format";
import { createUser } from "@/lib/services/users/create-user";
import { endSessionsOfUser } from "@/lib/services/users/end-sessions";
import { makeTestChain, opensslSignCsr } from "@/lib/pki/chain/fixtures.test-helper";
import { pemEncode } from "@/lib/pki/pem";
import { cancelProviderCsr, createProviderCsr } from "@/lib/services/provider-csrs/create-provider-csr";
import { uploadSignedCertificate } from "@/lib/services/provider-csrs/upload-signed-certificate";
import { approveProviderCertificateRequest, issueProviderCertificateWithKey, rejectProviderCertificateRequest, requestProviderCertificate } from "@/lib/services/provider/issue-provider-certificate";
import { createProviderClientCa } from "@/lib/services/provider/init-provider-client-ca";
import { setProviderServerChain } from "@/lib/services/provider/set-provider-server-chain";
import { endorseServerChain, rejectServerChain } from "@/lib/services/server-chains/decide-server-chain";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { endorseJwsKey, rejectJwsKey } from "@/lib/services/jws-keys/decide-jws-key";
import { uploadJwsKey } from "@/lib/services/jws-keys/upload-jws-key";
import { createProviderJwsKey } from "@/lib/services/provider-jws-keys/create-provider-jws-key";
import { retireProviderJwsKey } from "@/lib/services/provider-jws-keys/retire-provider-jws-key";
import { retireJwsKey } from "@/lib/services/jws-keys/retire-jws-key";
import { verifyJwsSignature } from "@/lib/services/jws-keys/verify-jws";
import { updateUser } from "@/lib/services/users/update-user";
import { confirmTotpEnrollment, resetSecondFactor, startTotpEnrollment } from "@/lib/services/auth/mfa-enrollment";
import { newTotpSecret, totpFor } from "@/lib/auth/mfa";
import { sealTotpSecret } from "@/lib/ca/totp-vault";
import { finishPasskeyRegistration, removePasskey, startPasskeyRegistration, startPasskeyStepUp, verifyStepUp } from "@/lib/services/auth/passkeys";
import { relyingParty, storeChallenge } from "@/lib/auth/webauthn";
import { softAuthenticator } from "@/lib/testing/soft-authenticator";
import { disableUser, enableUser } from "@/lib/services/users/set-user-disabled";
import { updateOrganisation } from "@/lib/services/organisations/update-organisation";
import { disableOrganisation, enableOrganisation } from "@/lib/services/organisations/set-organisation-disabled";
// Endpoint registry and readiness probe (issue 18, items 5–6)
import { registerEndpoint, removeEndpoint } from "@/lib/services/endpoints/register-endpoint";
import { confirmEndpoint, rejectEndpoint } from "@/lib/services/endpoints/decide-endpoint";
import { probeEndpoint } from "@/lib/services/endpoints/run-probe";
import { publishProviderEndpoint } from "@/lib/services/endpoints/provider-endpoints";
import { exportEndpoints } from "@/lib/services/endpoints/export-endpoints";
import { updateEnvironmentSettings } from "@/lib/services/environments/update-environment";
import { confirmCertificateRequest } from "@/lib/services/requests/confirm-request";
import { inviteOrgUser } from "@/lib/services/org-users/invite-org-user";
import { changeOrgUserRole } from "@/lib/services/org-users/change-org-user-role";
import { disableOrgUser, enableOrgUser } from "@/lib/services/org-users/set-org-user-disabled";
import { createOrgToken } from "@/lib/services/tokens/create-org-token";
import { revokeOrgToken } from "@/lib/services/tokens/revoke-org-token";
import { markNotificationsRead } from "@/lib/services/notifications/my-notifications";
import { removeWebhook, setNotificationPreferences, setWebhook } from "@/lib/services/notifications/org-notification-settings";
import { setReminderDays } from "@/lib/services/notifications/reminder-policy";

afterAll(async () => {
  await closeApiRateLimits();
  await disconnectDb();
});

type World = Awaited<ReturnType<typeof makeWorld>>;
type Fixtures = World & {
  revokedToken: string;
  chainPem: string;
  /** Organisation A's partner admin and viewer, organisation B's partner admin (partner A and B are partner security officers). */
  partnerAdminA: TestUser;
  partnerAdminB: TestUser;
  viewerA: TestUser;
  /** A second partner security officer of organisation A (never a caller): it submits the requests partner A confirms. */
  partnerA2: TestUser;
  /** An environment where a second partner security officer confirms each request. */
  confirmEnv: World["env"];
  signing: { chainPem: string; csr: string; signedPem: string; ca: { certDer: Uint8Array; key: Awaited<ReturnType<typeof makeTestChain>>["issuingKey"] } };
  providerChain: { chainPem: string; serverPem: string };
  dualEnv?: string;
};
type TestUser = World["partnerA"];

/** Objects of organisation A that object-scoped rows act on (made fresh for each row). */
type ObjectKind = "request" | "certificate" | "allowlist-request" | "allowlist-entry" | "server-chain" | "provider-csr" | "provider-csr-signed" | "provider-certificate-request" | "user" | "organisation" | "jws-key" | "jws-key-active" | "provider-jws-key" | "awaiting-request" | "org-token" | EndpointObjectKind;
/** Endpoint registry (issue 18): a new callback URL, a confirmed one (probed), a provider endpoint. */
type EndpointObjectKind = "endpoint" | "callback" | "provider-endpoint";
/** Objects of no organisation (the provider's): partner B is not hidden from them. */
const SHARED_OBJECTS: ReadonlySet<ObjectKind> = new Set(["provider-jws-key", "provider-endpoint"]);
/** A fresh JWS public key (PEM SPKI, P-256) for each upload. */
const freshJwsKey = () => generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();

/** A service call with inputs that succeed for a role allowed to make it; `id` is the row's object. */
type ServiceCall = { service: (actor: Actor, ...args: never[]) => unknown; args: (fx: Fixtures, id: string) => Promise<unknown[]> };
function via<A extends [] | unknown[]>(service: (actor: Actor, ...args: A) => unknown, args: (fx: Fixtures, id: string) => Promise<NoInfer<A>>): ServiceCall {
  return { service: service as unknown as ServiceCall["service"], args };
}

const csrOfOrgA = (fx: Fixtures) => opensslCsr(`/CN=${fx.orgA.code}-m${uniq()}`).csr;
let ipSeq = 0;
/** A fresh source IP for each allowlist request (the world's environment is not production: documentation space is a warning only). */
const nextIp = () => `203.0.113.${(++ipSeq % 254) + 1}`;
/** A fresh callback URL (a closed loopback port: the world's environment is not production) and a fresh egress range. */
const nextCallback = () => `https://127.0.0.1:1/m${uniq()}`;
const nextEgress = () => `81.${(++ipSeq % 250) + 1}.${Math.floor(Math.random() * 250)}.0/24`;
/** A fresh partner user of organisation A, and a fresh organisation (account changes never touch the world's own). */
const freshUser = async (fx: Fixtures) => (await createUser(CLI_ACTOR, { email: `matrix-${uniq()}@test.example`, role: "partner", orgCode: fx.orgA.code, password: "correct horse battery" })).user;
const freshOrg = async () => createOrganisation(CLI_ACTOR, { code: `org-${uniq()}`, legalName: "Matrix Payments AS", groupEmail: "certs@matrix.test" });
const profileDefinition = (fx: Fixtures, code: string) => ({ ...DEFAULT_PROFILE, code, name: `Matrix ${code}`, environments: [fx.env.code] });

// ─────────────────────────────────────────────────────────────────────────────────────────────
// 1. /api/v1: one row per route file (its path under app/, dynamic segments as on disk) and method.
// ─────────────────────────────────────────────────────────────────────────────────────────────
type ApiRow = {
  route: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  /** The permission withApi checks, or "public" (publicApi: no token needed). */
  permission: Permission | "public";
  /** Public rows: is a token that is sent checked (a bad one refused, 401) or ignored? */
  tokens?: "checked" | "ignored";
  /** [id] in the path: the object of organisation A it names. */
  object?: ObjectKind;
  /** A list (asked for the world's environment): organisation A's object is in it for every allowed caller but partner B. */
  lists?: ObjectKind;
  /** A JSON body that succeeds for an allowed caller. */
  body?: (fx: Fixtures) => unknown;
  /** The one status every caller gets (the catch-all). */
  every?: number;
};

const API_MATRIX: ApiRow[] = [
  ...(["GET", "POST", "PUT", "PATCH", "DELETE"] as const).map((method): ApiRow => ({ route: "/api/v1/[...unknown]", method, permission: "public", tokens: "ignored", every: 404 })),
  { route: "/api/v1/certificate-requests", method: "GET", permission: "request:read", lists: "request" },
  { route: "/api/v1/certificate-requests", method: "POST", permission: "request:submit", body: (fx) => ({ environment: fx.env.code, csr: csrOfOrgA(fx) }) },
  { route: "/api/v1/certificate-requests/[id]", method: "GET", permission: "request:read", object: "request" },
  { route: "/api/v1/certificate-requests/[id]/approve", method: "POST", permission: "request:decide", object: "request", body: () => ({ comment: "matrix" }) },
  { route: "/api/v1/certificate-requests/[id]/reject", method: "POST", permission: "request:decide", object: "request", body: () => ({ reason: "matrix" }) },
  { route: "/api/v1/certificates", method: "GET", permission: "certificate:read", lists: "certificate" },
  { route: "/api/v1/certificates/[id]", method: "GET", permission: "certificate:read", object: "certificate" },
  { route: "/api/v1/certificates/[id]/download", method: "GET", permission: "certificate:download", object: "certificate" },
  { route: "/api/v1/certificates/[id]/pkcs12", method: "POST", permission: "certificate:download", object: "certificate", body: () => ({ password: "changeit-123" }) },
  { route: "/api/v1/certificates/[id]/revoke", method: "POST", permission: "certificate:revoke", object: "certificate", body: () => ({ reason: "superseded" }) },
  { route: "/api/v1/environments", method: "GET", permission: "environment:list" },
  { route: "/api/v1/environments/[code]/allowlist", method: "GET", permission: "allowlist:export" },
  { route: "/api/v1/environments/[code]/ca", method: "GET", permission: "public", tokens: "checked" },
  { route: "/api/v1/environments/[code]/provider-client-ca", method: "GET", permission: "public", tokens: "checked" },
  { route: "/api/v1/environments/[code]/provider-server-chain", method: "GET", permission: "public", tokens: "checked" },
  { route: "/api/v1/exchange/[env]", method: "GET", permission: "exchange:read" },
  { route: "/api/v1/server-chains", method: "GET", permission: "server-chain:read", lists: "server-chain" },
  { route: "/api/v1/provider-csrs", method: "GET", permission: "provider-csr:read", lists: "provider-csr" },
  { route: "/api/v1/provider-certificate-requests", method: "GET", permission: "provider-certificate:issue" },
  { route: "/api/v1/provider-certificate-requests", method: "POST", permission: "provider-certificate:issue", body: (fx) => ({ environment: fx.env.code, commonName: `matrix-${uniq()}` }) },
  { route: "/api/v1/provider-certificate-requests/[id]/approve", method: "POST", permission: "provider-certificate:decide", object: "provider-certificate-request", body: () => ({ comment: "matrix" }) },
  { route: "/api/v1/provider-certificate-requests/[id]/reject", method: "POST", permission: "provider-certificate:decide", object: "provider-certificate-request", body: () => ({ reason: "matrix" }) },
  { route: "/api/v1/provider-csrs", method: "POST", permission: "provider-csr:create", body: (fx) => ({ environment: fx.env.code, organisation: fx.orgB.code, commonName: `matrix-${uniq()}` }) },
  { route: "/api/v1/provider-csrs/[id]", method: "GET", permission: "provider-csr:read", object: "provider-csr" },
  { route: "/api/v1/provider-csrs/[id]/csr", method: "GET", permission: "provider-csr:read", object: "provider-csr" },
  { route: "/api/v1/provider-csrs/[id]/certificate", method: "POST", permission: "provider-csr:sign", object: "provider-csr", body: (fx) => ({ certificate: fx.signing.signedPem }) },
  { route: "/api/v1/provider-csrs/[id]/cancel", method: "POST", permission: "provider-csr:create", object: "provider-csr" },
  { route: "/api/v1/provider-csrs/[id]/key", method: "POST", permission: "provider-key:download", object: "provider-csr-signed", body: () => ({ password: "changeit-123" }) },
  { route: "/api/v1/server-chains", method: "POST", permission: "server-chain:submit", body: (fx) => ({ environment: fx.env.code, chain: fx.chainPem }) },
  { route: "/api/v1/server-chains/[id]/endorse", method: "POST", permission: "server-chain:decide", object: "server-chain", body: () => ({ comment: "matrix" }) },
  { route: "/api/v1/server-chains/[id]/reject", method: "POST", permission: "server-chain:decide", object: "server-chain", body: () => ({ reason: "matrix" }) },
  { route: "/api/v1/server-chains/[id]/download", method: "GET", permission: "server-chain:read", object: "server-chain" },
  // JWS signing keys (issue 18)
  { route: "/api/v1/jws-keys", method: "GET", permission: "jws-key:read", lists: "jws-key" },
  { route: "/api/v1/jws-keys", method: "POST", permission: "jws-key:submit", body: (fx) => ({ environment: fx.env.code, key: freshJwsKey() }) },
  { route: "/api/v1/jws-keys/[id]", method: "GET", permission: "jws-key:read", object: "jws-key" },
  { route: "/api/v1/jws-keys/[id]/endorse", method: "POST", permission: "jws-key:decide", object: "jws-key", body: () => ({ comment: "matrix" }) },
  { route: "/api/v1/jws-keys/[id]/reject", method: "POST", permission: "jws-key:decide", object: "jws-key", body: () => ({ reason: "matrix" }) },
  { route: "/api/v1/jws-keys/[id]/retire", method: "POST", permission: "jws-key:retire", object: "jws-key-active", body: () => ({ retireAt: new Date(Date.now() + 86_400_000).toISOString() }) },
  { route: "/api/v1/provider-jws-keys", method: "GET", permission: "provider-jws-key:read" },
  { route: "/api/v1/provider-jws-keys", method: "POST", permission: "provider-jws-key:write", body: (fx) => ({ environment: fx.env.code, key: freshJwsKey() }) },
  { route: "/api/v1/provider-jws-keys/[id]/retire", method: "POST", permission: "provider-jws-key:write", object: "provider-jws-key", body: () => ({ retireAt: "now" }) },
  { route: "/api/v1/provider-jws-keys/[id]/download", method: "GET", permission: "provider-jws-key:read", object: "provider-jws-key" },
  { route: "/api/v1/jws/verify", method: "POST", permission: "jws:verify", body: (fx) => ({ environment: fx.env.code, organisation: fx.orgA.code, headers: { "FSPIOP-Signature": "{}" } }) },
  { route: "/api/v1/ip-allowlist", method: "GET", permission: "allowlist:read", lists: "allowlist-entry" },
  { route: "/api/v1/ip-allowlist-requests", method: "GET", permission: "allowlist:read", lists: "allowlist-request" },
  { route: "/api/v1/ip-allowlist-requests", method: "POST", permission: "allowlist:submit", body: (fx) => ({ environment: fx.env.code, entries: [nextIp()] }) },
  { route: "/api/v1/ip-allowlist-requests/[id]", method: "GET", permission: "allowlist:read", object: "allowlist-request" },
  { route: "/api/v1/ip-allowlist-requests/[id]/approve", method: "POST", permission: "allowlist:decide", object: "allowlist-request", body: () => ({}) },
  { route: "/api/v1/ip-allowlist-requests/[id]/reject", method: "POST", permission: "allowlist:decide", object: "allowlist-request", body: () => ({ reason: "matrix" }) },
  { route: "/api/v1/me", method: "GET", permission: "me:read" },
  { route: "/api/v1/organisations", method: "GET", permission: "organisation:list" },
  { route: "/api/v1/organisations/[id]", method: "PATCH", permission: "organisation:update", object: "organisation", body: () => ({ legalName: `Matrix Renamed ${uniq()}` }) },
  { route: "/api/v1/organisations/[id]/disable", method: "POST", permission: "organisation:disable", object: "organisation" },
  { route: "/api/v1/organisations/[id]/enable", method: "POST", permission: "organisation:disable", object: "organisation" },
  { route: "/api/v1/users", method: "GET", permission: "user:list" },
  { route: "/api/v1/users/[id]", method: "PATCH", permission: "user:update", object: "user", body: () => ({ name: `Matrix ${uniq()}` }) },
  { route: "/api/v1/users/[id]/disable", method: "POST", permission: "user:disable", object: "user" },
  { route: "/api/v1/users/[id]/enable", method: "POST", permission: "user:disable", object: "user" },
  { route: "/api/v1/openapi.json", method: "GET", permission: "public", tokens: "ignored" },
  // Endpoint registry and readiness probe (issue 18, items 5–6)
  { route: "/api/v1/endpoints", method: "GET", permission: "endpoint:read", lists: "endpoint" },
  { route: "/api/v1/endpoints", method: "POST", permission: "endpoint:submit", body: (fx) => ({ environment: fx.env.code, kind: "callback_url", value: nextCallback() }) },
  { route: "/api/v1/endpoints/[id]", method: "GET", permission: "endpoint:read", object: "endpoint" },
  { route: "/api/v1/endpoints/[id]", method: "DELETE", permission: "endpoint:submit", object: "endpoint" },
  { route: "/api/v1/endpoints/[id]/confirm", method: "POST", permission: "endpoint:decide", object: "endpoint", body: () => ({ comment: "matrix" }) },
  { route: "/api/v1/endpoints/[id]/reject", method: "POST", permission: "endpoint:decide", object: "endpoint", body: () => ({ reason: "matrix" }) },
  { route: "/api/v1/endpoints/[id]/probe", method: "POST", permission: "probe:run", object: "callback" },
  { route: "/api/v1/environments/[code]/endpoints", method: "GET", permission: "endpoint:export" },
  { route: "/api/v1/environments/[code]/provider-endpoints", method: "GET", permission: "endpoint:read" },
  { route: "/api/v1/environments/[code]/provider-endpoints", method: "POST", permission: "provider-endpoint:write", body: () => ({ kind: "egress_cidr", value: nextEgress() }) },
  { route: "/api/v1/provider-endpoints/[id]", method: "DELETE", permission: "provider-endpoint:write", object: "provider-endpoint" },
  { route: "/api/v1/exchange/[env]/probes", method: "GET", permission: "probe:read" },
  // Partner-side roles (issue 20): confirmation by a second partner security officer; a partner admin's own organisation.
  { route: "/api/v1/certificate-requests/[id]/confirm", method: "POST", permission: "request:confirm", object: "awaiting-request", body: () => ({ comment: "matrix" }) },
  { route: "/api/v1/partner/users", method: "GET", permission: "org-user:list", lists: "user" },
  { route: "/api/v1/partner/invitations", method: "POST", permission: "org-user:invite", body: () => ({ email: `invitee-${uniq()}@test.example`, partnerRole: "viewer" }) },
  { route: "/api/v1/partner/users/[id]", method: "PATCH", permission: "org-user:update", object: "user", body: () => ({ partnerRole: "viewer" }) },
  { route: "/api/v1/partner/users/[id]/disable", method: "POST", permission: "org-user:disable", object: "user" },
  { route: "/api/v1/partner/users/[id]/enable", method: "POST", permission: "org-user:disable", object: "user" },
  { route: "/api/v1/partner/tokens", method: "GET", permission: "org-token:list", lists: "org-token" },
  { route: "/api/v1/partner/tokens", method: "POST", permission: "org-token:create", body: (fx) => ({ user: fx.partnerAdminA.email, name: "matrix", scopes: ["read"] }) },
  { route: "/api/v1/partner/tokens/[id]/revoke", method: "POST", permission: "org-token:revoke", object: "org-token" },
];

// ─────────────────────────────────────────────────────────────────────────────────────────────
// 2. Server actions: every exported function of a 'use server' file in lib/actions, the service it
//    calls (the imported function itself) and the permission that service checks.
// ─────────────────────────────────────────────────────────────────────────────────────────────
type ActionRow = {
  file: string;
  action: string;
  permission: Permission;
  object?: ObjectKind;
  call: ServiceCall;
  /** Functions the action imports from lib/services that take no actor (pure parsing helpers). */
  pure?: string[];
};

const ACTION_MATRIX: ActionRow[] = [
  {
    file: "admin.ts",
    action: "createOrganisationAction",
    permission: "organisation:create",
    call: via(createOrganisation, async () => [{ code: `org-${uniq()}`, legalName: "Matrix Payments AS", groupEmail: "certs@matrix.test" }]),
  },
  {
    file: "admin.ts",
    action: "createUserAction",
    permission: "user:create",
    call: via(createUser, async () => [{ email: `matrix-${uniq()}@test.example`, role: "officer" as const, password: "correct horse battery" }]),
  },
  {
    file: "admin.ts",
    action: "createEnvironmentAction",
    permission: "environment:create",
    call: via(createEnvironment, async () => [{ code: `M${uniq().toUpperCase().replace(/[^A-Z0-9]/g, "X")}`.slice(0, 8), name: "Matrix", approvalsRequired: "1" }]),
  },
  { file: "admin.ts", action: "createTokenAction", permission: "token:create", call: via(createToken, async (fx) => [{ userEmail: fx.gateway.email, name: "matrix" }]) },
  {
    file: "admin.ts",
    action: "revokeTokenAction",
    permission: "token:revoke",
    call: via(revokeToken, async (fx) => [{ id: (await createToken(CLI_ACTOR, { userEmail: fx.gateway.email, name: "to revoke" })).id }]),
  },
  { file: "admin.ts", action: "endUserSessionsAction", permission: "user:sessions-end", call: via(endSessionsOfUser, async (fx) => [{ email: fx.gateway.email }]) },
  { file: "admin.ts", action: "updateUserAction", permission: "user:update", call: via(updateUser, async (fx) => [{ user: { id: (await freshUser(fx)).id }, name: "Renamed" }]) },
  { file: "admin.ts", action: "disableUserAction", permission: "user:disable", call: via(disableUser, async (fx) => [{ user: { id: (await freshUser(fx)).id } }]) },
  {
    file: "admin.ts",
    action: "enableUserAction",
    permission: "user:disable",
    call: via(enableUser, async (fx) => {
      const u = await freshUser(fx);
      await disableUser(CLI_ACTOR, { user: { id: u.id } });
      return [{ user: { id: u.id } }];
    }),
  },
  { file: "admin.ts", action: "updateOrganisationAction", permission: "organisation:update", call: via(updateOrganisation, async () => [{ organisation: { id: (await freshOrg()).id }, legalName: "Renamed AS" }]) },
  { file: "admin.ts", action: "disableOrganisationAction", permission: "organisation:disable", call: via(disableOrganisation, async () => [{ organisation: { id: (await freshOrg()).id } }]) },
  {
    file: "admin.ts",
    action: "enableOrganisationAction",
    permission: "organisation:disable",
    call: via(enableOrganisation, async () => {
      const o = await freshOrg();
      await disableOrganisation(CLI_ACTOR, { organisation: { id: o.id } });
      return [{ organisation: { id: o.id } }];
    }),
  },
  { file: "admin.ts", action: "resetSecondFactorAction", permission: "user:mfa-reset", call: via(resetSecondFactor, async (fx) => [{ user: { id: (await freshUser(fx)).id } }]) },
  { file: "account.ts", action: "startTotpEnrollmentAction", permission: "mfa:enroll", call: via(startTotpEnrollment, async () => []) },
  {
    file: "account.ts",
    action: "confirmTotpEnrollmentAction",
    permission: "mfa:enroll",
    // The caller is not known here: every role user of the world gets the same pending secret, so its current code confirms any of them.
    call: via(confirmTotpEnrollment, async (fx) => {
      const secret = newTotpSecret();
      for (const u of [fx.partnerA, fx.partnerB, fx.officer1, fx.admin, fx.gateway, fx.partnerAdminA, fx.partnerAdminB, fx.viewerA]) {
        const { sealed, keyId } = sealTotpSecret(secret.bytes, u.id);
        await getDb().user.update({ where: { id: u.id }, data: { totpSecret: sealed, totpKeyId: keyId, totpEnabledAt: null, totpLastStep: null } });
      }
      return [{ code: totpFor(secret.bytes, "matrix").generate() }];
    }),
  },
  // Passkeys (issue 20): the world's actors have no session row, so their challenges are bound to none.
  { file: "account.ts", action: "startPasskeyRegistrationAction", permission: "mfa:enroll", call: via(startPasskeyRegistration, async () => []) },
  {
    file: "account.ts",
    action: "finishPasskeyRegistrationAction",
    permission: "mfa:enroll",
    // The caller is not known here: every role user of the world gets the same open challenge; a fresh authenticator answers it.
    call: via(finishPasskeyRegistration, async (fx) => {
      const challenge = Buffer.from(`matrix-${uniq()}`).toString("base64url");
      for (const u of [fx.partnerA, fx.partnerB, fx.officer1, fx.admin, fx.gateway]) await storeChallenge(getDb(), { purpose: "register", challenge, userId: u.id });
      const rp = relyingParty();
      return [{ response: softAuthenticator({ rpId: rp.id, origin: rp.origin }).register(challenge), name: "matrix" }];
    }),
  },
  {
    file: "account.ts",
    action: "removePasskeyAction",
    permission: "mfa:enroll",
    // Partner A's own passkey (each caller may remove only their own: the others get not_found).
    call: via(removePasskey, async (fx) => [{ id: (await getDb().passkey.create({ data: { userId: fx.partnerA.id, credentialId: `matrix-${uniq()}`, publicKey: new Uint8Array([1]), name: "matrix" } })).id }]),
  },
  {
    file: "account.ts",
    action: "startPasskeyStepUpAction",
    permission: "mfa:enroll",
    call: via(startPasskeyStepUp, async (fx) => {
      for (const u of [fx.partnerA, fx.partnerB, fx.officer1, fx.admin, fx.gateway]) await getDb().passkey.create({ data: { userId: u.id, credentialId: `matrix-${uniq()}`, publicKey: new Uint8Array([1]), name: "matrix" } });
      return [];
    }),
  },
  {
    file: "account.ts",
    action: "verifyStepUpAction",
    permission: "mfa:enroll",
    call: via(verifyStepUp, async (fx) => {
      const secret = newTotpSecret();
      for (const u of [fx.partnerA, fx.partnerB, fx.officer1, fx.admin, fx.gateway]) {
        const { sealed, keyId } = sealTotpSecret(secret.bytes, u.id);
        await getDb().user.update({ where: { id: u.id }, data: { totpSecret: sealed, totpKeyId: keyId, totpEnabledAt: new Date(), totpLastStep: null } });
      }
      return [{ code: totpFor(secret.bytes, "matrix").generate() }];
    }),
  },
  { file: "officer.ts", action: "approveCertificateRequestAction", permission: "request:decide", object: "request", call: via(approveCertificateRequest, async (_fx, id) => [id, { comment: "matrix" }]) },
  { file: "officer.ts", action: "rejectCertificateRequestAction", permission: "request:decide", object: "request", call: via(rejectCertificateRequest, async (_fx, id) => [id, { reason: "matrix" }]) },
  { file: "officer.ts", action: "approveAllowlistRequestAction", permission: "allowlist:decide", object: "allowlist-request", call: via(approveAllowlistRequest, async (_fx, id) => [id, { comment: "matrix" }]) },
  { file: "officer.ts", action: "rejectAllowlistRequestAction", permission: "allowlist:decide", object: "allowlist-request", call: via(rejectAllowlistRequest, async (_fx, id) => [id, { reason: "matrix" }]) },
  { file: "officer.ts", action: "revokeCertificateAction", permission: "certificate:revoke", object: "certificate", call: via(revokeCertificate, async (_fx, id) => [id, { reason: "superseded" }]) },
  {
    file: "partner.ts",
    action: "submitCertificateRequestAction",
    permission: "request:submit",
    call: via(submitCertificateRequest, async (fx) => [{ environment: fx.env.code, csr: csrOfOrgA(fx) }]),
  },
  {
    file: "partner.ts",
    action: "submitAllowlistRequestAction",
    permission: "allowlist:submit",
    pure: ["splitEntries"],
    call: via(submitAllowlistRequest, async (fx) => [{ environment: fx.env.code, kind: "add" as const, entries: [nextIp()], note: "" }]),
  },
  {
    file: "partner.ts",
    action: "requestAllowlistRemovalAction",
    permission: "allowlist:submit",
    object: "allowlist-entry",
    call: via(submitAllowlistRequest, async (fx, id) => [{ environment: fx.env.code, kind: "remove" as const, entries: [id], note: "" }]),
  },
  { file: "partner.ts", action: "revokeOwnCertificateAction", permission: "certificate:revoke", object: "certificate", call: via(revokeCertificate, async (_fx, id) => [id, { reason: "superseded" }]) },
  { file: "partner.ts", action: "updateGroupEmailAction", permission: "organisation:update-own", call: via(updateMyOrganisation, async () => [{ groupEmail: `certs-${uniq()}@matrix.test` }]) },
  {
    file: "exchange.ts",
    action: "uploadServerChainAction",
    permission: "server-chain:submit",
    call: via(uploadServerChain, async (fx) => {
      // One chain per organisation and environment waits at a time: clear what earlier rows left.
      for (const p of await getDb().partnerServerChain.findMany({ where: { envId: fx.env.id, status: "pending" }, select: { id: true } })) await rejectServerChain(fx.officer2.actor, p.id, { reason: "matrix setup" });
      return [{ environment: fx.env.code, chain: fx.chainPem }];
    }),
  },
  { file: "exchange.ts", action: "endorseServerChainAction", permission: "server-chain:decide", object: "server-chain", call: via(endorseServerChain, async (_fx, id) => [id, { comment: "matrix" }]) },
  { file: "exchange.ts", action: "rejectServerChainAction", permission: "server-chain:decide", object: "server-chain", call: via(rejectServerChain, async (_fx, id) => [id, { reason: "matrix" }]) },
  // Endpoint registry and readiness probe (issue 18, items 5–6)
  { file: "endpoints.ts", action: "registerEndpointAction", permission: "endpoint:submit", call: via(registerEndpoint, async (fx) => [{ environment: fx.env.code, kind: "callback_url", value: nextCallback() }]) },
  { file: "endpoints.ts", action: "removeEndpointAction", permission: "endpoint:submit", object: "endpoint", call: via(removeEndpoint, async (_fx, id) => [id]) },
  { file: "endpoints.ts", action: "confirmEndpointAction", permission: "endpoint:decide", object: "endpoint", call: via(confirmEndpoint, async (_fx, id) => [id, { comment: "matrix" }]) },
  { file: "endpoints.ts", action: "rejectEndpointAction", permission: "endpoint:decide", object: "endpoint", call: via(rejectEndpoint, async (_fx, id) => [id, { reason: "matrix" }]) },
  { file: "endpoints.ts", action: "probeEndpointAction", permission: "probe:run", object: "callback", call: via(probeEndpoint, async (_fx, id) => [id]) },
  // JWS signing keys (issue 18)
  {
    file: "jws.ts",
    action: "uploadJwsKeyAction",
    permission: "jws-key:submit",
    call: via(uploadJwsKey, async (fx) => {
      for (const p of await getDb().partnerJwsKey.findMany({ where: { envId: fx.env.id, status: "pending" }, select: { id: true } })) await rejectJwsKey(fx.officer2.actor, p.id, { reason: "matrix setup" });
      return [{ environment: fx.env.code, key: freshJwsKey() }];
    }),
  },
  { file: "jws.ts", action: "endorseJwsKeyAction", permission: "jws-key:decide", object: "jws-key", call: via(endorseJwsKey, async (_fx, id) => [id, { comment: "matrix" }]) },
  { file: "jws.ts", action: "rejectJwsKeyAction", permission: "jws-key:decide", object: "jws-key", call: via(rejectJwsKey, async (_fx, id) => [id, { reason: "matrix" }]) },
  { file: "jws.ts", action: "retireJwsKeyAction", permission: "jws-key:retire", object: "jws-key-active", call: via(retireJwsKey, async (_fx, id) => [id, { retireAt: new Date(Date.now() + 86_400_000).toISOString() }]) },
  { file: "jws.ts", action: "verifyJwsAction", permission: "jws:verify", call: via(verifyJwsSignature, async (fx) => [{ environment: fx.env.code, organisation: fx.orgA.code, headers: { "FSPIOP-Signature": "{}" } }]) },
  { file: "jws.ts", action: "createProviderJwsKeyAction", permission: "provider-jws-key:write", call: via(createProviderJwsKey, async (fx) => [{ environment: fx.env.code, key: freshJwsKey() }]) },
  { file: "jws.ts", action: "retireProviderJwsKeyAction", permission: "provider-jws-key:write", object: "provider-jws-key", call: via(retireProviderJwsKey, async (_fx, id) => [id, { retireAt: "now" }]) },
  { file: "exchange.ts", action: "issueProviderCertificateAction", permission: "provider-certificate:issue", call: via(requestProviderCertificate, async (fx) => [{ environment: fx.env.code, commonName: `matrix-${uniq()}` }]) },
  {
    file: "exchange.ts",
    action: "approveProviderCertificateAction",
    permission: "provider-certificate:decide",
    object: "provider-certificate-request",
    call: via(approveProviderCertificateRequest, async (_fx, id) => [id, { comment: "matrix" }]),
  },
  {
    file: "exchange.ts",
    action: "rejectProviderCertificateAction",
    permission: "provider-certificate:decide",
    object: "provider-certificate-request",
    call: via(rejectProviderCertificateRequest, async (_fx, id) => [id, { reason: "matrix" }]),
  },
  { file: "exchange.ts", action: "createProviderCsrAction", permission: "provider-csr:create", call: via(createProviderCsr, async (fx) => [{ environment: fx.env.code, organisation: (await freshOrg()).code, commonName: `matrix-${uniq()}` }]) },
  { file: "exchange.ts", action: "cancelProviderCsrAction", permission: "provider-csr:create", object: "provider-csr", call: via(cancelProviderCsr, async (_fx, id) => [id]) },
  { file: "exchange.ts", action: "uploadSignedCertificateAction", permission: "provider-csr:sign", object: "provider-csr", call: via(uploadSignedCertificate, async (fx, id) => [id, { certificate: fx.signing.signedPem }]) },
  {
    file: "exchange.ts",
    action: "initProviderClientCaAction",
    permission: "provider-ca:init",
    call: via(createProviderClientCa, async () => [{ envCode: (await createEnvironment(CLI_ACTOR, { code: `M${uniq().toUpperCase().replace(/[^A-Z0-9]/g, "X")}`.slice(0, 8), name: "Matrix", approvalsRequired: 1, production: false })).code }]),
  },
  {
    file: "exchange.ts",
    action: "setProviderServerChainAction",
    permission: "provider-server-chain:write",
    call: via(setProviderServerChain, async (fx) => [{ environment: fx.env.code, chain: fx.providerChain.chainPem, server: fx.providerChain.serverPem }]),
  },
  { file: "partner.ts", action: "confirmCertificateRequestAction", permission: "request:confirm", object: "awaiting-request", call: via(confirmCertificateRequest, async (_fx, id) => [id, { comment: "matrix" }]) },
  { file: "partner-users.ts", action: "inviteOrgUserAction", permission: "org-user:invite", call: via(inviteOrgUser, async () => [{ email: `invitee-${uniq()}@test.example`, partnerRole: "viewer" }]) },
  { file: "partner-users.ts", action: "changeOrgUserRoleAction", permission: "org-user:update", object: "user", call: via(changeOrgUserRole, async (_fx, id) => [{ user: { id }, partnerRole: "viewer" }]) },
  { file: "partner-users.ts", action: "disableOrgUserAction", permission: "org-user:disable", object: "user", call: via(disableOrgUser, async (_fx, id) => [{ user: { id } }]) },
  { file: "partner-users.ts", action: "enableOrgUserAction", permission: "org-user:disable", object: "user", call: via(enableOrgUser, async (_fx, id) => [{ user: { id } }]) },
  { file: "partner-users.ts", action: "createOrgTokenAction", permission: "org-token:create", call: via(createOrgToken, async (fx) => [{ userEmail: fx.partnerAdminA.email, name: "matrix" }]) },
  { file: "partner-users.ts", action: "revokeOrgTokenAction", permission: "org-token:revoke", object: "org-token", call: via(revokeOrgToken, async (_fx, id) => [{ id }]) },
  { file: "notifications.ts", action: "markNotificationsReadAction", permission: "notification:read", call: via(markNotificationsRead, async () => [{ all: true }]) },
  {
    file: "notifications.ts",
    action: "setNotificationPreferencesAction",
    permission: "notification:configure",
    call: via(setNotificationPreferences, async () => [{ preferences: [{ type: "certificate_request.rejected", toGroup: true, toSubmitter: false }] }]),
  },
  { file: "notifications.ts", action: "setWebhookAction", permission: "notification:configure", call: via(setWebhook, async () => [{ url: "https://hooks.example.com/keyport" }]) },
  {
    file: "notifications.ts",
    action: "removeWebhookAction",
    permission: "notification:configure",
    // Each partner removes its own organisation's webhook: both have one.
    call: via(removeWebhook, async (fx) => {
      for (const p of [fx.partnerA, fx.partnerB]) await setWebhook(p.actor, { url: "https://hooks.example.com/keyport" });
      return [];
    }),
  },
  { file: "notifications.ts", action: "setReminderDaysAction", permission: "reminder:write", call: via(setReminderDays, async (fx) => [{ environment: fx.env.code, days: "60, 30, 7, 1" }]) },
  {
    file: "profiles.ts",
    action: "createProfileAction",
    permission: "profile:write",
    pure: ["parseProfileJson"],
    call: via(createProfile, async (fx) => [profileDefinition(fx, `matrix-${uniq()}`)]),
  },
  {
    file: "profiles.ts",
    action: "updateProfileAction",
    permission: "profile:write",
    pure: ["parseProfileJson"],
    call: via(updateProfile, async (fx) => {
      const code = `matrix-${uniq()}`;
      await createProfile(CLI_ACTOR, profileDefinition(fx, code));
      return [code, { ...profileDefinition(fx, code), validityDays: 30 }, {}];
    }),
  },
];

// ─────────────────────────────────────────────────────────────────────────────────────────────
// 3. Route handlers outside /api/v1 (downloads and exports from pages, public CA files, health,
//    next-auth), by their directory under app/.
// ─────────────────────────────────────────────────────────────────────────────────────────────
type PageRouteRow = { route: string; method: "GET" | "POST" } & (
  | {
      guard: "requireRouteActor";
      /** The area the route itself authorizes before its service (as its pages do); none: the service's permission alone decides. */
      area?: Permission;
      permission: Permission;
      object?: ObjectKind;
      call: ServiceCall;
    }
  | { guard: "optionalActor"; permission: "public"; params: (fx: Fixtures) => Record<string, string>; audit: string }
  /** exercise: call it anonymously here (next-auth's handler needs a Next.js request). */
  | { guard: "none"; permission: "public"; why: string; exercise?: boolean }
);

const PAGE_ROUTE_MATRIX: PageRouteRow[] = [
  // The officer-area routes check no area: a partner, admin or gateway user with the service's
  // permission reaches them too (a partner only ever sees its own organisation's certificates).
  { route: "(officer)/officer/allowlist/export", method: "GET", guard: "requireRouteActor", permission: "allowlist:export", call: via(exportAllowlist, async (fx) => [fx.env.code, "json"]) },
  { route: "(officer)/officer/exchange/endpoints/export", method: "GET", guard: "requireRouteActor", permission: "endpoint:export", call: via(exportEndpoints, async (fx) => [fx.env.code, "json"]) },
  { route: "(officer)/officer/audit/export", method: "GET", guard: "requireRouteActor", permission: "audit:export", call: via(exportAuditEvents, async () => [{ action: "audit.export" }, "csv"]) },
  {
    route: "(officer)/officer/certificates/[id]/download",
    method: "GET",
    guard: "requireRouteActor",
    permission: "certificate:download",
    object: "certificate",
    call: via(downloadCertificate, async (_fx, id) => [id, "pem"]),
  },
  {
    route: "(partner)/partner/certificates/[id]/download",
    method: "GET",
    guard: "requireRouteActor",
    area: "area:partner",
    permission: "certificate:download",
    object: "certificate",
    call: via(downloadCertificate, async (_fx, id) => [id, "pem"]),
  },
  {
    route: "(partner)/partner/certificates/[id]/pkcs12",
    method: "POST",
    guard: "requireRouteActor",
    area: "area:partner",
    permission: "certificate:download",
    object: "certificate",
    call: via(downloadTruststore, async (_fx, id) => [id, { password: "changeit-123" }]),
  },
  { route: "(officer)/officer/audit/checkpoint", method: "GET", guard: "requireRouteActor", permission: "audit:export", call: via(createAuditCheckpoint, async () => ["download" as const]) },
  {
    route: "(officer)/officer/audit/checkpoint/[id]",
    method: "GET",
    guard: "requireRouteActor",
    permission: "audit:read",
    call: via(getAuditCheckpointFile, async () => [(await createAuditCheckpoint(CLI_ACTOR, "cli")).checkpoint.id]),
  },
  { route: "(officer)/officer/audit/checkpoint-key", method: "GET", guard: "requireRouteActor", permission: "audit:read", call: via(getCheckpointPublicKey, async () => []) },
  { route: "ca/[file]", method: "GET", guard: "optionalActor", permission: "public", params: (fx) => ({ file: `${fx.env.code}-root.cer` }), audit: "ca.download" },
  { route: "crl/[file]", method: "GET", guard: "optionalActor", permission: "public", params: (fx) => ({ file: `${fx.env.code}.crl` }), audit: "crl.download" },
  // GET /api/health (public, for load balancers: says only whether the database answers) is not a
  // route file: the Keyport server answers it before Next.js (lib/server/health.ts and its test).
  { route: "api/health/live", method: "GET", guard: "none", permission: "public", why: "liveness: says only that the process serves", exercise: true },
  { route: "api/health/ready", method: "GET", guard: "none", permission: "public", why: "readiness: database, migrations, master key present (statuses, no secrets)", exercise: true },
  {
    route: "api/invitations/accept",
    method: "POST",
    guard: "none",
    permission: "public",
    why: "the invitee sets a password: the single-use link from the invitation mail is the credential (lib/services/org-users/accept-invitation.ts; tested in partner-roles.test.ts)",
  },
  { route: "api/passkey-signin", method: "POST", guard: "none", permission: "public", why: "a passkey challenge for the sign-in form, before anyone is signed in (single use, 5 minutes, bound to the browser by an httpOnly cookie)" },
  { route: "api/auth/[...nextauth]", method: "GET", guard: "none", permission: "public", why: "next-auth's sign-in, sign-out and session endpoints (lib/auth/options.ts)" },
  { route: "api/auth/[...nextauth]", method: "POST", guard: "none", permission: "public", why: "next-auth's sign-in, sign-out and session endpoints (lib/auth/options.ts)" },
];

// ─────────────────────────────────────────────────────────────────────────────────────────────
// 4. Pages outside every role area (areaForPath gives none); each says why it is open.
// ─────────────────────────────────────────────────────────────────────────────────────────────
const PUBLIC_PAGES: Record<string, string> = {
  "/": "landing page; a signed-in user is redirected to their home",
  "/signin": "the sign-in form",
  "/signout": "the sign-out button",
  "/invite": "an invitee sets a password: the page shows the invitation only to the holder of its single-use link (lib/services/org-users/accept-invitation.ts)",
  "/notifications": "the notification centre of the signed-in user of any role (it reads getWebActor and sends anyone else to sign in); listMyNotifications scopes to that user",
  "/account/mfa": "second-factor set-up for the signed-in user of any role (it reads getWebActor and sends anyone else to sign in); requirePageActor sends provider staff here until they have one",
};

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Callers and expected outcomes
// ─────────────────────────────────────────────────────────────────────────────────────────────
const ROLE_CALLERS = ["gateway", "viewerA", "partnerAdminB", "partnerB", "admin", "officer", "partnerAdminA", "partnerA"] as const;
/** Refusals first; partner A, the owner of every object, last (its own changes come after everyone else's attempt). */
const CALLERS = ["anonymous", "malformed", "unknown", "revoked", ...ROLE_CALLERS] as const;
type Caller = (typeof CALLERS)[number];
type RoleCaller = (typeof ROLE_CALLERS)[number];
type Outcome = "unauthenticated" | "forbidden" | "hidden" | "allowed";

const ROLE_OF: Record<RoleCaller, Grantee> = {
  gateway: "gateway",
  viewerA: "viewer",
  partnerAdminB: "partner_admin",
  partnerB: "partner_security_officer",
  admin: "admin",
  officer: "officer",
  partnerAdminA: "partner_admin",
  partnerA: "partner_security_officer",
};
/** Callers of organisation B: organisation A's objects are hidden from them (404, like a missing id), and missing from their lists. */
const OF_ORG_B: readonly Caller[] = ["partnerB", "partnerAdminB"];
const isRoleCaller = (c: Caller): c is RoleCaller => (ROLE_CALLERS as readonly string[]).includes(c);
/** "officer" is officer 1; officer 2 makes the setup decisions. */
const userOf = (c: RoleCaller) => (c === "officer" ? fx.officer1 : fx[c]);

function expectedOutcome(caller: Caller, permissions: (Permission | "public")[], o: { object?: boolean; tokens?: "checked" | "ignored" } = {}): Outcome {
  if (permissions.includes("public")) return !isRoleCaller(caller) && caller !== "anonymous" && o.tokens === "checked" ? "unauthenticated" : "allowed";
  if (!isRoleCaller(caller)) return "unauthenticated";
  if (!permissions.every((p) => roleHas(ROLE_OF[caller], p as Permission))) return "forbidden";
  return o.object && OF_ORG_B.includes(caller) ? "hidden" : "allowed";
}

let fx: Fixtures;
beforeAll(async () => {
  const world = await makeWorld();
  const spare = await createToken(CLI_ACTOR, { userEmail: world.partnerA.email, name: "revoked" });
  await revokeToken(CLI_ACTOR, { id: spare.id });
  await createProviderClientCa(CLI_ACTOR, { envCode: world.env.code });
  const providerChain = await makeTestChain({ name: "Matrix Provider", hosts: ["provider.test"] });
  const providerChainPems = { chainPem: providerChain.chainPem, serverPem: providerChain.serverPem };
  await setProviderServerChain(CLI_ACTOR, { environment: world.env.code, chain: providerChain.chainPem, server: providerChain.serverPem });
  // Provider CSRs: one gateway CSR (one key, one subject) for every object, signed once by the CA of a
  // chain organisation A keeps endorsed, so one certificate fits every provider-csr row.
  const signer = await makeTestChain({ name: "Matrix Signer" });
  const gatewayCsr = opensslCsr("/O=Provider/CN=matrix-egress").csr;
  const ca = { certDer: signer.issuing, key: signer.issuingKey };
  const signing = { chainPem: signer.chainPem, csr: gatewayCsr, signedPem: opensslSignCsr(gatewayCsr, ca), ca };
  const [partnerAdminA, partnerAdminB, viewerA, partnerA2] = await Promise.all([
    makeUser("partner", world.orgA.code, "partner_admin"),
    makeUser("partner", world.orgB.code, "partner_admin"),
    makeUser("partner", world.orgA.code, "viewer"),
    makeUser("partner", world.orgA.code, "partner_security_officer"),
  ]);
  const confirmEnv = await makeEnvironment();
  await updateEnvironmentSettings(CLI_ACTOR, { code: confirmEnv.code, partnerConfirmation: true });
  fx = { ...world, revokedToken: spare.token, chainPem: (await makeTestChain({ name: "Matrix" })).chainPem, signing, providerChain: providerChainPems, partnerAdminA, partnerAdminB, viewerA, partnerA2, confirmEnv };
});

function authorizationOf(caller: Caller): string | undefined {
  switch (caller) {
    case "anonymous":
      return undefined;
    case "malformed":
      return "Bearer not-a-keyport-token";
    case "unknown":
      return `Bearer ${newToken()}`;
    case "revoked":
      return `Bearer ${fx.revokedToken}`;
    default:
      return `Bearer ${userOf(caller).token}`;
  }
}

/** A fresh object of organisation A. Setup decisions are officer 2's, so officer 1 (the caller) may still decide. */
async function makeObject(kind: ObjectKind): Promise<string> {
  switch (kind) {
    case "request":
      return (await submitCertificateRequest(fx.partnerA.actor, { environment: fx.env.code, csr: csrOfOrgA(fx) })).id;
    case "certificate": {
      const issued = await approveCertificateRequest(fx.officer2.actor, await makeObject("request"));
      return issued.certificateId!;
    }
    case "allowlist-request":
      return (await submitAllowlistRequest(fx.partnerA.actor, { environment: fx.env.code, entries: [nextIp()] })).id;
    case "server-chain": {
      // One chain of an organisation and environment waits at a time: officer 2 clears the way.
      for (const p of await getDb().partnerServerChain.findMany({ where: { orgId: fx.orgA.id, envId: fx.env.id, status: "pending" }, select: { id: true } })) {
        await rejectServerChain(fx.officer2.actor, p.id, { reason: "matrix setup" });
      }
      return (await uploadServerChain(fx.partnerA.actor, { environment: fx.env.code, chain: (await makeTestChain({ name: `Matrix ${uniq()}` })).chainPem })).id;
    }
    case "provider-csr": {
      const db = getDb();
      for (const p of await db.partnerServerChain.findMany({ where: { orgId: fx.orgA.id, envId: fx.env.id, status: "pending" }, select: { id: true } })) {
        await rejectServerChain(fx.officer2.actor, p.id, { reason: "matrix setup" });
      }
      // Organisation A's endorsed chain must be the signer's (server-chain rows endorse others).
      const active = await db.partnerServerChain.findFirst({ where: { orgId: fx.orgA.id, envId: fx.env.id, status: "endorsed" }, orderBy: { endorsedAt: "desc" }, select: { chainDer: true } });
      const signerPem = active?.chainDer.map((d) => pemEncode("CERTIFICATE", new Uint8Array(d))).join("");
      if (signerPem !== fx.signing.chainPem) await endorseServerChain(fx.officer2.actor, (await uploadServerChain(fx.partnerA.actor, { environment: fx.env.code, chain: fx.signing.chainPem })).id);
      for (const p of await db.providerCsr.findMany({ where: { orgId: fx.orgA.id, envId: fx.env.id, status: "awaiting_certificate" }, select: { id: true } })) await cancelProviderCsr(CLI_ACTOR, p.id);
      return (await createProviderCsr(CLI_ACTOR, { environment: fx.env.code, organisation: fx.orgA.code, csr: fx.signing.csr })).id;
    }
    case "provider-certificate-request": {
      // Waits only where more than one approver is needed: a second environment with two, asked for by the admin.
      fx.dualEnv ??= await (async () => {
        const env = await createEnvironment(CLI_ACTOR, { code: `D${uniq().toUpperCase().replace(/[^A-Z0-9]/g, "X")}`.slice(0, 8), name: "Matrix dual", approvalsRequired: 2, production: false });
        await createProviderClientCa(CLI_ACTOR, { envCode: env.code });
        return env.code;
      })();
      const r = await issueProviderCertificateWithKey(fx.admin.actor, { environment: fx.dualEnv, commonName: `matrix-${uniq()}` });
      if (r.status !== "pending") throw new Error("two approvers: the issuance waits");
      return r.requestId;
    }
    case "provider-csr-signed": {
      // A Keyport-generated key whose CSR organisation A's CA signed: its one download is due.
      const waiting = await makeObject("provider-csr");
      await cancelProviderCsr(CLI_ACTOR, waiting);
      const csr = await createProviderCsr(CLI_ACTOR, { environment: fx.env.code, organisation: fx.orgA.code, commonName: `matrix-${uniq()}` });
      await uploadSignedCertificate(fx.partnerA.actor, csr.id, { certificate: opensslSignCsr(csr.csrPem, fx.signing.ca) });
      return csr.id;
    }
    case "allowlist-entry": {
      const id = await makeObject("allowlist-request");
      await approveAllowlistRequest(fx.officer2.actor, id);
      return (await getDb().allowlistEntry.findFirstOrThrow({ where: { addedByRequestId: id } })).id;
    }
    case "endpoint":
      return (await registerEndpoint(fx.partnerA.actor, { environment: fx.env.code, kind: "callback_url", value: nextCallback() })).id;
    case "callback": {
      // The probe trusts only organisation A's endorsed server CA chain: endorse one if none is active.
      if (!(await getDb().partnerServerChain.findFirst({ where: { orgId: fx.orgA.id, envId: fx.env.id, status: "endorsed" }, select: { id: true } }))) await endorseServerChain(fx.officer2.actor, await makeObject("server-chain"));
      const id = await makeObject("endpoint");
      await confirmEndpoint(fx.officer2.actor, id);
      return id;
    }
    case "provider-endpoint":
      return (await publishProviderEndpoint(CLI_ACTOR, { environment: fx.env.code, kind: "egress_cidr", value: nextEgress() })).id;
    case "jws-key": {
      // One key of an organisation and environment waits at a time: officer 2 clears the way.
      for (const p of await getDb().partnerJwsKey.findMany({ where: { orgId: fx.orgA.id, envId: fx.env.id, status: "pending" }, select: { id: true } })) {
        await rejectJwsKey(fx.officer2.actor, p.id, { reason: "matrix setup" });
      }
      return (await uploadJwsKey(fx.partnerA.actor, { environment: fx.env.code, key: freshJwsKey() })).id;
    }
    case "jws-key-active": {
      const id = await makeObject("jws-key");
      await endorseJwsKey(fx.officer2.actor, id);
      return id;
    }
    case "provider-jws-key":
      return (await createProviderJwsKey(CLI_ACTOR, { environment: fx.env.code, key: freshJwsKey() })).id;
    case "user":
      return (await freshUser(fx)).id;
    case "awaiting-request":
      // Submitted by organisation A's second security officer where confirmation is required: partner A confirms it.
      return (await submitCertificateRequest(fx.partnerA2.actor, { environment: fx.confirmEnv.code, csr: csrOfOrgA(fx) })).id;
    case "org-token":
      return (await createToken(CLI_ACTOR, { userEmail: fx.viewerA.email, name: `matrix-${uniq()}` })).id;
    case "organisation": {
      // enable acts on a disabled organisation, every other row on an active one; both answer 200 either way.
      return (await freshOrg()).id;
    }
  }
}

const OBJECT_TABLE: Record<ObjectKind, string> = {
  request: "certificate_requests",
  certificate: "certificates",
  "allowlist-request": "allowlist_requests",
  "allowlist-entry": "allowlist_entries",
  "server-chain": "partner_server_chains",
  endpoint: "partner_endpoints",
  callback: "partner_endpoints",
  "provider-endpoint": "provider_endpoints",
  "jws-key": "partner_jws_keys",
  "jws-key-active": "partner_jws_keys",
  "provider-jws-key": "provider_jws_keys",
  "provider-csr": "provider_csrs",
  "provider-csr-signed": "provider_csrs",
  "provider-certificate-request": "provider_certificate_requests",
  user: "users",
  organisation: "organisations",
  "awaiting-request": "certificate_requests",
  "org-token": "api_tokens",
};

let tables: string[] | undefined;
/**
 * The number of rows in every table, and the object's own row: what a refused call must leave as it
 * was. Not the rate limiter's counters: counting a refused call (a failed authentication) is its job.
 */
async function snapshot(kind?: ObjectKind, id?: string): Promise<unknown> {
  const db = getDb();
  tables ??= (
    await db.$queryRaw<{ name: string }[]>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('_prisma_migrations', ${RATE_LIMIT_TABLE}) ORDER BY tablename`
  ).map((t) => t.name);
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const [counts] = await db.$queryRawUnsafe<Record<string, number>[]>(`SELECT ${tables.map((t) => `(SELECT count(*)::int FROM ${quote(t)}) AS ${quote(t)}`).join(", ")}`);
  const row = kind && id ? await db.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM ${quote(OBJECT_TABLE[kind])} t WHERE id = $1::uuid`, id) : [];
  return { counts, row: row[0]?.row ?? null };
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Helpers: files, route modules, calls
// ─────────────────────────────────────────────────────────────────────────────────────────────
const ROOT = process.cwd();
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function filesUnder(dir: string, name: (file: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) {
        if (entry !== "node_modules" && entry !== "generated" && !entry.startsWith(".")) walk(p);
      } else if (name(entry)) out.push(p);
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type RouteModule = Record<string, unknown>;

/** /api/v1 route files by their path (dynamic segments as on disk: "/api/v1/certificates/[id]"). */
function apiRouteFiles(): Map<string, string> {
  const root = join(ROOT, "app");
  return new Map(filesUnder("app/api/v1", (f) => f === "route.ts").map((file) => [`/${relative(root, join(file, ".."))}`, file]));
}

function paramsFor(route: string, objectId?: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [, rest, name] of route.matchAll(/\[(\.\.\.)?(\w+)\]/g)) {
    if (rest) params[name] = ["no-such-endpoint"];
    else if (name === "id") {
      if (!objectId) throw new Error(`${route}: an [id] route needs \`object\` in its row.`);
      params[name] = objectId;
    } else if (name === "code" || name === "env") params[name] = fx.env.code;
    else throw new Error(`${route}: teach paramsFor in lib/auth/authorization-matrix.test.ts what [${name}] holds.`);
  }
  return params;
}

const urlFor = (route: string, params: Record<string, string | string[]>) =>
  route.replace(/\[(?:\.\.\.)?(\w+)\]/g, (_, name: string) => [params[name]].flat().map(encodeURIComponent).join("/")).replace(/\/\([^/]+\)/g, "");

type CallResult = { status: number; code?: string; message?: string; json?: string };

let peerSeq = 0;
/**
 * Each call comes from an address of its own, stamped as the server stamps a socket's peer: the API's
 * rate limits (lib/api/rate-limit.ts) are real and counted, but never what decides a matrix outcome.
 */
const nextPeer = () => peerHeaderValue(`2001:db8:a17::${(++peerSeq).toString(16)}`);

async function callRoute(handler: unknown, o: { method: string; url: string; authorization?: string; body?: unknown; params: Record<string, string | string[]> }): Promise<CallResult> {
  const headers: Record<string, string> = { [PEER_HEADER]: nextPeer() };
  if (o.authorization) headers.authorization = o.authorization;
  let body: string | undefined;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers["content-type"] = "application/json";
  }
  const res = await (handler as RouteHandler)(new Request(`http://localhost:3000${o.url}`, { method: o.method, headers, body }), { params: Promise.resolve(o.params) });
  if (!(res.headers.get("content-type") ?? "").startsWith("application/json")) {
    await res.arrayBuffer();
    return { status: res.status };
  }
  const json = await res.text();
  const data = JSON.parse(json) as { error?: { code: string; message: string } };
  return { status: res.status, code: data.error?.code, message: data.error?.message, json };
}

/** A service call's outcome as a status, like a route handler would answer. */
async function settle(run: () => unknown): Promise<CallResult> {
  try {
    await run();
    return { status: 200 };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { status: e.status, code: e.code, message: e.message };
  }
}

const sameAsMissing = (got: CallResult, id: string, missing: CallResult, missingId: string) => {
  expect(got.code, "the same error as for a missing id").toBe(missing.code);
  expect(got.message?.replaceAll(id, "<id>"), "the same message as for a missing id").toBe(missing.message?.replaceAll(missingId, "<id>"));
};

/**
 * Check one caller's result against the expected outcome; refused calls must leave every table as it was.
 * `retry` repeats the call with a missing id (for "hidden").
 */
async function expectOutcome(label: string, expected: Outcome, attempt: () => Promise<CallResult>, o: { kind?: ObjectKind; id?: string; retry?: (missingId: string) => Promise<CallResult>; notFoundIsStatus?: boolean }) {
  const before = expected === "allowed" ? null : await snapshot(o.kind, o.id);
  const got = await attempt();
  const where = `${label}: expected ${expected}, got ${got.status} ${got.code ?? ""} ${got.message ?? ""}`;
  expect(got.status, where).toBeLessThan(500);
  switch (expected) {
    case "unauthenticated":
      expect([got.status, got.code], where).toEqual([401, "unauthenticated"]);
      break;
    case "forbidden":
      expect([got.status, got.code], where).toEqual([403, "forbidden"]);
      break;
    case "hidden": {
      if (o.notFoundIsStatus !== false) expect([got.status, got.code], where).toEqual([404, "not_found"]);
      expect(got.status, where).toBeGreaterThanOrEqual(400);
      const missingId = randomUUID();
      sameAsMissing(got, o.id!, await o.retry!(missingId), missingId);
      break;
    }
    case "allowed":
      expect([401, 403], where).not.toContain(got.status);
      if (o.id) expect(got.status, `${where} (the object exists)`).not.toBe(404);
      break;
  }
  if (before !== null) expect(await snapshot(o.kind, o.id), `${label} was refused but wrote something`).toEqual(before);
  return got;
}

/** Some caller that the table allows must succeed: otherwise the row's inputs, not authorization, decided. */
function expectSomeSuccess(label: string, results: { outcome: Outcome; got: CallResult }[]) {
  const allowed = results.filter((r) => r.outcome === "allowed");
  if (!allowed.length) return;
  expect(
    allowed.some((r) => r.got.status < 300),
    `${label}: no allowed caller succeeded (${allowed.map((r) => `${r.got.status} ${r.got.message ?? ""}`).join("; ")}); give the row inputs that succeed`,
  ).toBe(true);
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// The tests
// ─────────────────────────────────────────────────────────────────────────────────────────────
describe("authorization matrix: /api/v1", () => {
  it("has a row for every method of every route file, naming the permission its handler checks", async () => {
    const problems: string[] = [];
    const files = apiRouteFiles();
    for (const [route, file] of files) {
      const mod = (await import(file)) as RouteModule;
      const exported = HTTP_METHODS.filter((m) => typeof mod[m] === "function");
      let implemented: string[] = exported.filter((m) => m !== "OPTIONS");
      if (typeof mod.OPTIONS === "function") {
        const options = await (mod.OPTIONS as RouteHandler)(new Request(`http://localhost:3000${route}`, { method: "OPTIONS" }), { params: Promise.resolve({}) });
        implemented = (options.headers.get("allow") ?? "").split(", ").filter((m) => m && m !== "OPTIONS" && !(m === "HEAD" && mod.HEAD === mod.GET));
      }
      for (const method of implemented) {
        const row = API_MATRIX.find((r) => r.route === route && r.method === method);
        const guard = guardOf(mod[method]);
        if (!row) {
          problems.push(`${method} ${route} (${relative(ROOT, file)}) is in no row: add { route: "${route}", method: "${method}", permission: "${guard ?? "…"}" } to API_MATRIX in lib/auth/authorization-matrix.test.ts.`);
        } else if (guard === undefined) {
          problems.push(`${method} ${route}: the handler is not wrapped in withApi(permission, …) or publicApi(…) (lib/api/handler.ts).`);
        } else if (guard !== row.permission) {
          problems.push(`${method} ${route}: withApi checks "${guard}" but API_MATRIX says "${row.permission}"; make them agree.`);
        }
        if (row && (row.permission === "public") !== (row.tokens !== undefined)) problems.push(`${method} ${route}: a public row says whether tokens are "checked" or "ignored"; others do not.`);
        if (row && /\[id\]/.test(route) !== !!row.object) problems.push(`${method} ${route}: a route with [id] names the \`object\` of organisation A it acts on, and only such a route.`);
      }
    }
    for (const row of API_MATRIX) {
      const file = files.get(row.route);
      if (!file) {
        problems.push(`API_MATRIX has ${row.method} ${row.route}, but there is no app${row.route}/route.ts: remove the row.`);
        continue;
      }
      const mod = (await import(file)) as RouteModule;
      const options = typeof mod.OPTIONS === "function" ? await (mod.OPTIONS as RouteHandler)(new Request("http://localhost:3000/", { method: "OPTIONS" }), { params: Promise.resolve({}) }) : null;
      const implemented = options ? (options.headers.get("allow") ?? "").split(", ") : HTTP_METHODS.filter((m) => typeof mod[m] === "function");
      if (!implemented.includes(row.method)) problems.push(`API_MATRIX has ${row.method} ${row.route}, which the route does not implement: remove the row.`);
      if (API_MATRIX.filter((r) => r.route === row.route && r.method === row.method).length > 1) problems.push(`${row.method} ${row.route} has more than one row.`);
    }
    expect(problems).toEqual([]);
  });

  it("answers a method a route does not implement with 405 to everyone, and writes nothing", async () => {
    for (const [route, file] of apiRouteFiles()) {
      const mod = (await import(file)) as RouteModule;
      if (typeof mod.OPTIONS !== "function") continue;
      const params: Record<string, string | string[]> = route.includes("[id]") ? { id: randomUUID() } : route.includes("[code]") ? { code: fx.env.code } : {};
      const url = urlFor(route, params);
      const options = await (mod.OPTIONS as RouteHandler)(new Request(`http://localhost:3000${url}`, { method: "OPTIONS" }), { params: Promise.resolve(params) });
      expect(options.status, `OPTIONS ${route}`).toBe(204);
      const allow = (options.headers.get("allow") ?? "").split(", ");
      for (const method of HTTP_METHODS.filter((m) => !allow.includes(m) && typeof mod[m] === "function")) {
        for (const caller of ["anonymous", "partnerA", "admin"] as const) {
          const before = await snapshot();
          const got = await callRoute(mod[method], { method, url, authorization: authorizationOf(caller), params });
          expect([got.status, got.code], `${method} ${route} as ${caller}`).toEqual([405, "method_not_allowed"]);
          expect(await snapshot(), `${method} ${route} as ${caller} wrote something`).toEqual(before);
        }
      }
    }
  });

  for (const row of API_MATRIX) {
    it(`${row.method} ${row.route}: ${row.permission}${row.object ? `, ${row.object} of organisation A` : ""}${row.lists ? `, lists organisation A's ${row.lists}s` : ""}`, async () => {
      const file = apiRouteFiles().get(row.route);
      expect(file, `no route file for ${row.route}`).toBeTruthy();
      const handler = ((await import(file!)) as RouteModule)[row.method];
      const id = row.object ? await makeObject(row.object) : undefined;
      const listed = row.lists ? await makeObject(row.lists) : undefined;
      const params = paramsFor(row.route, id);
      const query = row.lists ? `?environment=${fx.env.code}` : "";
      const results: { outcome: Outcome; got: CallResult }[] = [];
      for (const caller of CALLERS) {
        const outcome = expectedOutcome(caller, [row.permission], { object: !!row.object && !SHARED_OBJECTS.has(row.object), tokens: row.tokens });
        const call = (p: Record<string, string | string[]>) =>
          callRoute(handler, { method: row.method, url: `${urlFor(row.route, p)}${query}`, authorization: authorizationOf(caller), body: row.body?.(fx), params: p });
        const label = `${row.method} ${row.route} as ${caller}`;
        if (row.every) {
          const got = await call(params);
          expect(got.status, label).toBe(row.every);
          continue;
        }
        const got = await expectOutcome(label, outcome, () => call(params), { kind: row.object, id, retry: (missingId) => call({ ...params, id: missingId }) });
        if (listed && outcome === "allowed") {
          expect(got.status, label).toBe(200);
          expect(got.json?.includes(listed), `${label}: organisation A's ${row.lists} ${OF_ORG_B.includes(caller) ? `is listed to ${caller}` : "is missing from the list"}`).toBe(!OF_ORG_B.includes(caller));
        }
        results.push({ outcome, got });
      }
      expectSomeSuccess(`${row.method} ${row.route}`, results);
    });
  }
});

describe("authorization matrix: server actions", () => {
  it("lists every exported function of every 'use server' file; each begins with requireActionActor() and calls its row's service with that actor", async () => {
    const problems: string[] = [];
    const addRow = (file: string, action: string) => `add { file: "${file}", action: "${action}", permission: …, call: via(<its service>, …) } to ACTION_MATRIX in lib/auth/authorization-matrix.test.ts`;
    // Server actions live in lib/actions only (STYLE.md): anywhere else they would escape this table.
    for (const file of [...filesUnder("app", (f) => /\.tsx?$/.test(f)), ...filesUnder("components", (f) => /\.tsx?$/.test(f)), ...filesUnder("lib", (f) => /\.tsx?$/.test(f))]) {
      const rel = relative(ROOT, file);
      if (rel.startsWith("lib/actions/") || rel === "lib/auth/authorization-matrix.test.ts") continue;
      if (/["']use server["']/.test(readFileSync(file, "utf8"))) problems.push(`${rel} has a "use server" directive: server actions belong in lib/actions/<area>.ts, with a row in ACTION_MATRIX.`);
    }
    const seen = new Set<string>();
    for (const file of filesUnder("lib/actions", (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const name = relative(join(ROOT, "lib/actions"), file);
      const sf = parseSource(file);
      if (!hasDirective(sf, "use server")) continue;
      const imports = importsOf(sf);
      for (const [local, b] of imports) if (b.module.startsWith("@/lib/db/")) problems.push(`lib/actions/${name} imports ${local} from ${b.module}: actions reach data only through services, which authorize.`);
      for (const value of exportedValues(sf)) {
        const where = `lib/actions/${name} ${value.name}`;
        if (value.kind !== "function") {
          problems.push(`${where}: a 'use server' file exports only async functions (found \`${value.text.slice(0, 80)}\`).`);
          continue;
        }
        seen.add(`${name} ${value.name}`);
        const row = ACTION_MATRIX.find((r) => r.file === name && r.action === value.name);
        if (!row) {
          problems.push(`${where} is in no row: ${addRow(name, value.name)}.`);
          continue;
        }
        if (!isAsync(value.fn)) problems.push(`${where} is not async.`);
        const a = analyseEntry(sf, value.fn, ["requireActionActor"]);
        if ("error" in a.guard) problems.push(`${where}: ${a.guard.error}.`);
        const withActor = a.serviceCalls.filter((c) => c.actorFirst);
        const calledServices = [...new Set(withActor.map((c) => c.imported))];
        if (calledServices.join() !== row.call.service.name) problems.push(`${where} calls ${calledServices.join(", ") || "no service"} with the actor; ACTION_MATRIX says ${row.call.service.name}.`);
        for (const c of a.serviceCalls.filter((x) => !x.actorFirst && !(row.pure ?? []).includes(x.imported))) {
          problems.push(`${where} calls ${c.callee} from ${c.module} without the session's actor first: pass \`actor\`, or list it in the row's \`pure\` if it authorizes nothing.`);
        }
        for (const c of withActor) {
          const mod = (await import(join(ROOT, `${c.module.slice(2)}.ts`))) as Record<string, unknown>;
          if (c.imported === row.call.service.name && mod[c.imported] !== row.call.service) problems.push(`${where}: ${c.imported} from ${c.module} is not the function the row calls.`);
        }
      }
    }
    for (const row of ACTION_MATRIX) if (!seen.has(`${row.file} ${row.action}`)) problems.push(`ACTION_MATRIX has ${row.file} ${row.action}, which lib/actions/${row.file} does not export: remove the row.`);
    expect(problems).toEqual([]);
  });

  for (const row of ACTION_MATRIX) {
    it(`${row.file} ${row.action} → ${row.call.service.name}: ${row.permission}${row.object ? `, ${row.object} of organisation A` : ""}`, async () => {
      const id = row.object ? await makeObject(row.object) : "";
      const invoke = (actor: Actor, args: unknown[]) => settle(() => (row.call.service as (actor: Actor, ...args: unknown[]) => unknown)(actor, ...args));
      const results: { outcome: Outcome; got: CallResult }[] = [];
      for (const caller of ROLE_CALLERS) {
        const outcome = expectedOutcome(caller, [row.permission], { object: !!row.object && !SHARED_OBJECTS.has(row.object) });
        const actor = userOf(caller).actor;
        const args = await row.call.args(fx, id);
        const got = await expectOutcome(`${row.action} → ${row.call.service.name} as ${caller}`, outcome, () => invoke(actor, args), {
          kind: row.object,
          id: id || undefined,
          notFoundIsStatus: false,
          retry: async (missingId) => invoke(actor, await row.call.args(fx, missingId)),
        });
        results.push({ outcome, got });
      }
      expectSomeSuccess(row.action, results);
    });
  }
});

describe("authorization matrix: route handlers outside /api/v1", () => {
  const routeFiles = () =>
    new Map(filesUnder("app", (f) => f === "route.ts").map((file) => [relative(join(ROOT, "app"), join(file, "..")), file] as const).filter(([route]) => !route.startsWith("api/v1/") && route !== "api/v1"));

  it("has a row for every method of every route file; session routes begin with requireRouteActor(), check their area, and call their row's service with that actor", async () => {
    const problems: string[] = [];
    const files = routeFiles();
    for (const [route, file] of files) {
      const sf = parseSource(file);
      const imports = importsOf(sf);
      const methods = exportedValues(sf).filter((v) => (HTTP_METHODS as readonly string[]).includes(v.name));
      for (const value of methods) {
        const where = `app/${route}/route.ts ${value.name}`;
        const row = PAGE_ROUTE_MATRIX.find((r) => r.route === route && r.method === value.name);
        if (!row) {
          problems.push(`${where} is in no row: add { route: "${route}", method: "${value.name}", guard: "requireRouteActor", … } to PAGE_ROUTE_MATRIX in lib/auth/authorization-matrix.test.ts.`);
          continue;
        }
        const uses = (name: string) => [...imports].some(([local, b]) => b.imported === name && new RegExp(`\\b${local}\\(`).test(sf.text));
        if (row.guard === "optionalActor" && !uses("optionalActor")) problems.push(`${where}: PAGE_ROUTE_MATRIX says it asks optionalActor(req) who is calling; it does not.`);
        if (row.guard === "none" && (uses("requireRouteActor") || uses("optionalActor") || uses("getWebActor"))) problems.push(`${where} reads the caller; its row says guard "none".`);
        if (row.guard !== "requireRouteActor") continue;
        if (value.kind !== "function") {
          problems.push(`${where}: write the handler as a function so its guard can be checked.`);
          continue;
        }
        for (const [local, b] of imports) if (b.module.startsWith("@/lib/db/")) problems.push(`${where} imports ${local} from ${b.module}: reach data through a service, which authorizes.`);
        const a = analyseEntry(sf, value.fn, ["requireRouteActor"]);
        if ("error" in a.guard) problems.push(`${where}: ${a.guard.error}.`);
        if (!a.catchCalls.includes("errorResponse")) problems.push(`${where}: wrap the handler in try/catch → errorResponse(e, …), so "unauthenticated" is a 401 and "forbidden" a 403.`);
        const areas = a.authorizeCalls.map((c) => (c.actorFirst ? c.permission : `${c.permission} (not the session's actor)`));
        if (areas.join() !== (row.area ?? "")) problems.push(`${where} authorizes ${areas.join(", ") || "nothing itself"}; PAGE_ROUTE_MATRIX says ${row.area ?? "nothing (the service decides)"}.`);
        if (a.authorizeCalls.some((c) => a.serviceCalls.some((x) => x.at < c.at))) problems.push(`${where} calls a service before its own authorize(…): check the area first.`);
        const withActor = [...new Set(a.serviceCalls.filter((c) => c.actorFirst).map((c) => c.imported))];
        if (withActor.join() !== row.call.service.name) problems.push(`${where} calls ${withActor.join(", ") || "no service"} with the actor; PAGE_ROUTE_MATRIX says ${row.call.service.name}.`);
        for (const c of a.serviceCalls.filter((x) => !x.actorFirst)) problems.push(`${where} calls ${c.callee} from ${c.module} without the session's actor first.`);
        for (const c of a.serviceCalls.filter((x) => x.actorFirst)) {
          const mod = (await import(join(ROOT, `${c.module.slice(2)}.ts`))) as Record<string, unknown>;
          if (mod[c.imported] !== row.call.service) problems.push(`${where}: ${c.imported} from ${c.module} is not the function the row calls.`);
        }
      }
    }
    for (const row of PAGE_ROUTE_MATRIX) {
      const file = files.get(row.route);
      if (!file || !exportedValues(parseSource(file)).some((v) => v.name === row.method)) problems.push(`PAGE_ROUTE_MATRIX has ${row.method} ${row.route}, which app/${row.route}/route.ts does not export: remove the row.`);
    }
    expect(problems).toEqual([]);
  });

  for (const row of PAGE_ROUTE_MATRIX) {
    if (row.guard === "requireRouteActor") {
      it(`${row.method} /${row.route}: ${row.area ? `${row.area} + ` : ""}${row.permission} (through ${row.call.service.name})`, async () => {
        const id = row.object ? await makeObject(row.object) : "";
        const permissions = row.area ? [row.area, row.permission] : [row.permission];
        // What the route does after requireRouteActor() (proved by the test above): its own area check, then the service.
        const asRoute = (actor: Actor, args: unknown[]) =>
          settle(() => {
            if (row.area) authorize(actor, row.area);
            return (row.call.service as (actor: Actor, ...args: unknown[]) => unknown)(actor, ...args);
          });
        const results: { outcome: Outcome; got: CallResult }[] = [];
        for (const caller of ROLE_CALLERS) {
          const outcome = expectedOutcome(caller, permissions, { object: !!row.object });
          const actor: Actor = { ...userOf(caller).actor, via: "web" } as Actor;
          const args = await row.call.args(fx, id);
          const got = await expectOutcome(`${row.method} /${row.route} as ${caller}`, outcome, () => asRoute(actor, args), {
            kind: row.object,
            id: id || undefined,
            retry: async (missingId) => asRoute(actor, await row.call.args(fx, missingId)),
          });
          results.push({ outcome, got });
        }
        expectSomeSuccess(`/${row.route}`, results);
      });
    } else if (row.guard === "optionalActor") {
      it(`${row.method} /${row.route}: public; a token that is sent must be valid, and its download is audited`, async () => {
        const handler = ((await import(join(ROOT, "app", row.route, "route.ts"))) as RouteModule)[row.method];
        const params = row.params(fx);
        const url = urlFor(`/${row.route}`, params);
        for (const caller of CALLERS) {
          const outcome = expectedOutcome(caller, ["public"], { tokens: "checked" });
          const before = (await snapshot()) as { counts: Record<string, number> };
          const got = await expectOutcome(`${row.method} /${row.route} as ${caller}`, outcome, () => callRoute(handler, { method: row.method, url, authorization: authorizationOf(caller), params }), {});
          const after = (await snapshot()) as { counts: Record<string, number> };
          if (outcome === "allowed") expect(got.status, `${caller}: ${got.message ?? ""}`).toBe(200);
          // An anonymous relying party is not recorded; a named caller's download is, once.
          const audited = isRoleCaller(caller) ? 1 : 0;
          expect(after.counts.audit_events - before.counts.audit_events, `${caller}: audit rows written`).toBe(audited);
          if (audited) {
            const last = await getDb().auditEvent.findFirstOrThrow({ orderBy: [{ at: "desc" }, { seq: { sort: "desc", nulls: "first" } }] });
            expect([last.action, last.actorId], caller).toEqual([row.audit, userOf(caller as RoleCaller).id]);
          }
        }
      });
    } else if (row.exercise) {
      it(`${row.method} /${row.route}: public (${row.why}); answers anyone and writes nothing`, async () => {
        const handler = ((await import(join(ROOT, "app", row.route, "route.ts"))) as RouteModule)[row.method];
        for (const caller of ["anonymous", "malformed", "partnerA"] as const) {
          const before = await snapshot();
          const got = await callRoute(handler, { method: row.method, url: `/${row.route}`, authorization: authorizationOf(caller), params: {} });
          // 503 is a readiness answer (not ready), not an error of this request.
          expect([200, 503], `${caller}: ${got.json ?? ""}`).toContain(got.status);
          expect(await snapshot(), `${caller} wrote something`).toEqual(before);
        }
      });
    }
  }
});

describe("authorization matrix: pages", () => {
  it("each page under a role area begins with requirePageActor(<that area>, <its own path>); every other page is listed as public", () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const file of filesUnder("app", (f) => f === "page.tsx")) {
      const rel = relative(join(ROOT, "app"), file);
      const path = `/${rel.split("/").slice(0, -1).filter((s) => !/^\(.*\)$/.test(s)).join("/")}`;
      seen.add(path);
      const area = areaForPath(path);
      if (!area) {
        if (!(path in PUBLIC_PAGES)) problems.push(`app/${rel} (${path}) is in no role area: add it to PUBLIC_PAGES in lib/auth/authorization-matrix.test.ts saying why it is open, or move it under one.`);
        continue;
      }
      const sf = parseSource(file);
      for (const [local, b] of importsOf(sf)) if (b.module.startsWith("@/lib/db/")) problems.push(`app/${rel} imports ${local} from ${b.module}: reach data through a service, which authorizes.`);
      const page = exportedValues(sf).find((v) => v.name === "default");
      if (!page || page.kind !== "function") {
        problems.push(`app/${rel}: export the page as a default function so its guard can be checked.`);
        continue;
      }
      const a = analyseEntry(sf, page.fn, ["requirePageActor"]);
      if ("error" in a.guard) {
        problems.push(`app/${rel}: ${a.guard.error}.`);
        continue;
      }
      const [permission, callback] = a.guard.args;
      const named = pathPattern(permission, sf);
      if (named !== area) problems.push(`app/${rel}: requirePageActor("${named ?? permission?.getText(sf)}", …) but ${path} is in ${area}.`);
      const back = pathPattern(callback, sf);
      if (back !== path) problems.push(`app/${rel}: requirePageActor's callbackUrl is ${back ?? callback?.getText(sf)}; sign-in should lead back to ${path}.`);
    }
    for (const path of Object.keys(PUBLIC_PAGES)) if (!seen.has(path)) problems.push(`PUBLIC_PAGES has ${path}, which no page serves: remove it.`);
    expect(problems).toEqual([]);
  });
});
