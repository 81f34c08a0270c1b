// The one permission table. Every server entry point (server action, route
// handler, CLI command) goes through authorize() with one of these.
export const ROLES = ["partner", "officer", "admin", "gateway"] as const;
export type Role = (typeof ROLES)[number];

/**
 * A partner user's role within its organisation (users.partner_role): the partner admin manages the
 * organisation's users and API tokens; partner security officers submit, renew, revoke and upload
 * exchange material (and confirm each other's production requests); viewers read and download
 * public material only.
 */
export const PARTNER_ROLES = ["partner_admin", "partner_security_officer", "viewer"] as const;
export type PartnerRole = (typeof PARTNER_ROLES)[number];

/** Who a permission is granted to: provider staff by role, partner users by their role within the organisation. */
export type Grantee = Exclude<Role, "partner"> | PartnerRole;
export const GRANTEES: readonly Grantee[] = ["partner_admin", "partner_security_officer", "viewer", "officer", "admin", "gateway"];

/** The grantee a user is: a partner user without a partner role (never written by Keyport) is a viewer. */
export function granteeOf(who: { role: Role; partnerRole?: PartnerRole | null }): Grantee {
  return who.role === "partner" ? (who.partnerRole ?? "viewer") : who.role;
}

const PARTNER = ["partner_admin", "partner_security_officer", "viewer"] as const;
const SECURITY_OFFICER = "partner_security_officer";
const PARTNER_ADMIN = "partner_admin";

export const PERMISSIONS = {
  "area:partner": [...PARTNER],
  "area:officer": ["officer"],
  "area:admin": ["admin"],
  "area:gateway": ["gateway"],
  "me:read": [...PARTNER, "officer", "admin", "gateway"],
  "mfa:enroll": [...PARTNER, "officer", "admin"],
  "user:mfa-reset": ["admin"],
  "organisation:create": ["admin"],
  "organisation:list": ["officer", "admin"],
  "organisation:read-own": [...PARTNER],
  "user:create": ["admin"],
  "user:list": ["admin"],
  "user:sessions-end": ["admin"],
  "user:update": ["admin"],
  "user:disable": ["admin"],
  "organisation:update": ["admin"],
  "organisation:disable": ["admin"],
  "job:read": ["admin"],
  "environment:create": ["admin"],
  "environment:list": [...PARTNER, "officer", "admin", "gateway"],
  "token:create": ["admin"],
  "token:revoke": ["admin"],
  "token:list": ["admin"],
  "audit:read": ["officer", "admin"],
  "audit:export": ["officer", "admin"],
  "demo:seed": ["admin"],
  "profile:read": [...PARTNER, "officer", "admin"],
  "profile:write": ["admin"],
  "ca:init": ["admin"],
  "ca:read": [...PARTNER, "officer", "admin", "gateway"],
  "csr:check": [SECURITY_OFFICER, "officer", "admin"],
  "request:submit": [SECURITY_OFFICER],
  "request:read": [...PARTNER, "officer", "admin"],
  "request:decide": ["officer"],
  "certificate:read": [...PARTNER, "officer", "admin"],
  "certificate:download": [...PARTNER, "officer", "admin"],
  "certificate:revoke": [SECURITY_OFFICER, "officer"],
  "allowlist:submit": [SECURITY_OFFICER],
  "allowlist:read": [...PARTNER, "officer", "admin"],
  "allowlist:decide": ["officer"],
  "allowlist:export": ["officer", "admin", "gateway"],
  "organisation:update-own": [PARTNER_ADMIN, SECURITY_OFFICER],
  "connectivity:read": [...PARTNER, "officer", "admin"],
  "crl:generate": ["officer", "admin"],
  // Two-way exchange (issue 17): partners' server CA chains, the provider's client CA and certificates.
  "server-chain:submit": [SECURITY_OFFICER],
  "server-chain:read": [...PARTNER, "officer", "admin", "gateway"],
  "server-chain:decide": ["officer"],
  "provider-ca:init": ["admin"],
  "provider-certificate:issue": ["officer", "admin"],
  "provider-certificate:decide": ["officer"],
  "provider-key:download": ["admin"],
  "provider-server-chain:write": ["admin"],
  "exchange:read": [...PARTNER, "officer", "admin"],
  // The provider's CSR signed by the partner's CA (issue 17, item 3).
  "provider-csr:create": ["admin"],
  "provider-csr:read": [...PARTNER, "officer", "admin", "gateway"],
  "provider-csr:sign": [SECURITY_OFFICER],
  "gateway:egress": ["admin", "gateway"],
  "notification:read": [...PARTNER, "officer", "admin", "gateway"],
  "notification:configure": [PARTNER_ADMIN, SECURITY_OFFICER],
  "mail:read": ["admin"],
  "reminder:write": ["admin"],
  // Endpoint registry and readiness probe (issue 18, items 5–6).
  "endpoint:submit": [SECURITY_OFFICER],
  "endpoint:read": [...PARTNER, "officer", "admin", "gateway"],
  "endpoint:decide": ["officer"],
  "endpoint:export": ["officer", "admin", "gateway"],
  "provider-endpoint:write": ["admin"],
  "probe:run": [SECURITY_OFFICER, "officer", "admin"],
  "probe:read": [...PARTNER, "officer", "admin"],
  // JWS signing keys (issue 18): partners' keys (officers endorse), the provider's keys, the verify tool.
  "jws-key:submit": [SECURITY_OFFICER],
  "jws-key:read": [...PARTNER, "officer", "admin", "gateway"],
  "jws-key:decide": ["officer"],
  "jws-key:retire": [SECURITY_OFFICER, "officer"],
  "provider-jws-key:write": ["admin"],
  "provider-jws-key:read": [...PARTNER, "officer", "admin", "gateway"],
  "jws:verify": [...PARTNER, "officer", "admin"],
  "environment:jws-policy": ["admin"],
  // Partner-side accounts (issue 20): a partner admin runs its own organisation's users,
  // invitations and API tokens, never another organisation's and never provider staff.
  "org-user:list": [PARTNER_ADMIN],
  "org-user:invite": [PARTNER_ADMIN],
  "org-user:update": [PARTNER_ADMIN],
  "org-user:disable": [PARTNER_ADMIN],
  "org-token:list": [PARTNER_ADMIN],
  "org-token:create": [PARTNER_ADMIN],
  "org-token:revoke": [PARTNER_ADMIN],
  // A second partner security officer confirms a request before it reaches the provider (Environment.partnerConfirmation).
  "request:confirm": [SECURITY_OFFICER],
  "environment:update": ["admin"],
} as const satisfies Record<string, readonly Grantee[]>;

export type Permission = keyof typeof PERMISSIONS;

/** What a session that still owes a required second factor may do: enrol one. */
export const MFA_PENDING_PERMISSIONS: readonly Permission[] = ["mfa:enroll", "me:read"];

/**
 * Sensitive actions (issue 20: approve, revoke, CA and profile changes): a web session of a user who
 * has a second factor must have verified it within the last few minutes (lib/auth/actor.ts stepUpDue).
 */
export const STEP_UP_PERMISSIONS: readonly Permission[] = [
  "request:decide",
  "allowlist:decide",
  "server-chain:decide",
  "jws-key:decide",
  "endpoint:decide",
  "provider-certificate:decide",
  "certificate:revoke",
  "ca:init",
  "provider-ca:init",
  "provider-certificate:issue",
  "provider-server-chain:write",
  "provider-jws-key:write",
  "profile:write",
  "user:mfa-reset",
];

/** Whether a grantee (a role, or a partner user's role within its organisation: granteeOf) has the permission. */
export function roleHas(grantee: Grantee, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Grantee[]).includes(grantee);
}

export const HOME_BY_ROLE: Record<Role, string> = {
  partner: "/partner",
  officer: "/officer",
  admin: "/admin",
  gateway: "/gateway",
};

/** Which area permission a path needs (used by proxy.ts and layouts to redirect). */
export function areaForPath(pathname: string): Permission | null {
  if (pathname === "/partner" || pathname.startsWith("/partner/")) return "area:partner";
  if (pathname === "/officer" || pathname.startsWith("/officer/")) return "area:officer";
  if (pathname === "/admin" || pathname.startsWith("/admin/")) return "area:admin";
  if (pathname === "/gateway" || pathname.startsWith("/gateway/")) return "area:gateway";
  return null;
}

/**
 * What an API token may be used for, on top of its user's role: a token carries some of these
 * scopes, and a call needs the scope of the permission its route checks (scopeOf). "admin" covers
 * account management (users, organisations); the others are the read, submit, approve,
 * revoke and gateway.
 */
export const TOKEN_SCOPES = ["read", "submit", "approve", "revoke", "gateway", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const SCOPE_OF: Partial<Record<Permission, TokenScope>> = {
  "request:submit": "submit",
  "allowlist:submit": "submit",
  "csr:check": "submit",
  "provider-csr:sign": "submit",
  "organisation:update-own": "submit",
  "request:decide": "approve",
  "allowlist:decide": "approve",
  "provider-certificate:decide": "approve",
  "certificate:revoke": "revoke",
  "allowlist:export": "gateway",
  "user:update": "admin",
  "user:disable": "admin",
  "user:sessions-end": "admin",
  "user:create": "admin",
  "user:mfa-reset": "admin",
  "organisation:update": "admin",
  "organisation:disable": "admin",
  "organisation:create": "admin",
  "token:create": "admin",
  "token:revoke": "admin",
  // Endpoint registry and readiness probe (issue 18, items 5–6)
  "endpoint:submit": "submit",
  "endpoint:decide": "approve",
  "endpoint:export": "gateway",
  "provider-endpoint:write": "admin",
  "probe:run": "submit",
  // JWS signing keys (issue 18)
  "jws-key:submit": "submit",
  "jws-key:retire": "submit",
  "jws-key:decide": "approve",
  "provider-jws-key:write": "admin",
  "environment:jws-policy": "admin",
  "org-user:invite": "admin",
  "org-user:update": "admin",
  "org-user:disable": "admin",
  "org-token:create": "admin",
  "org-token:revoke": "admin",
  "request:confirm": "submit",
  "environment:update": "admin",
};

/** The token scope a permission needs: "read" unless it changes something. */
export function scopeOf(permission: Permission): TokenScope {
  return SCOPE_OF[permission] ?? "read";
}
