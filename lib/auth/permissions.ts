// The one permission table. Every server entry point (server action, route
// handler, CLI command) goes through authorize() with one of these.
export const ROLES = ["partner", "officer", "admin", "gateway"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  "area:partner": ["partner"],
  "area:officer": ["officer"],
  "area:admin": ["admin"],
  "area:gateway": ["gateway"],
  "me:read": ["partner", "officer", "admin", "gateway"],
  "mfa:enroll": ["partner", "officer", "admin"],
  "user:mfa-reset": ["admin"],
  "organisation:create": ["admin"],
  "organisation:list": ["officer", "admin"],
  "organisation:read-own": ["partner"],
  "user:create": ["admin"],
  "user:list": ["admin"],
  "user:sessions-end": ["admin"],
  "user:update": ["admin"],
  "user:disable": ["admin"],
  "organisation:update": ["admin"],
  "organisation:disable": ["admin"],
  "job:read": ["admin"],
  "environment:create": ["admin"],
  "environment:list": ["partner", "officer", "admin", "gateway"],
  "token:create": ["admin"],
  "token:revoke": ["admin"],
  "token:list": ["admin"],
  "audit:read": ["officer", "admin"],
  "audit:export": ["officer", "admin"],
  "demo:seed": ["admin"],
  "profile:read": ["partner", "officer", "admin"],
  "profile:write": ["admin"],
  "ca:init": ["admin"],
  "ca:read": ["partner", "officer", "admin", "gateway"],
  "csr:check": ["partner", "officer", "admin"],
  "request:submit": ["partner"],
  "request:read": ["partner", "officer", "admin"],
  "request:decide": ["officer"],
  "certificate:read": ["partner", "officer", "admin"],
  "certificate:download": ["partner", "officer", "admin"],
  "certificate:revoke": ["partner", "officer"],
  "allowlist:submit": ["partner"],
  "allowlist:read": ["partner", "officer", "admin"],
  "allowlist:decide": ["officer"],
  "allowlist:export": ["officer", "admin", "gateway"],
  "organisation:update-own": ["partner"],
  "connectivity:read": ["partner", "officer", "admin"],
  "crl:generate": ["officer", "admin"],
  // Two-way exchange (issue 17): partners' server CA chains, the provider's client CA and certificates.
  "server-chain:submit": ["partner"],
  "server-chain:read": ["partner", "officer", "admin", "gateway"],
  "server-chain:decide": ["officer"],
  "provider-ca:init": ["admin"],
  "provider-certificate:issue": ["officer", "admin"],
  "provider-key:download": ["admin"],
  "provider-server-chain:write": ["admin"],
  "exchange:read": ["partner", "officer", "admin"],
  "gateway:egress": ["admin", "gateway"],
  "notification:read": ["partner", "officer", "admin", "gateway"],
  "notification:configure": ["partner"],
  "mail:read": ["admin"],
  "reminder:write": ["admin"],
  // JWS signing keys (issue 18): partners' keys (officers endorse), the provider's keys, the verify tool.
  "jws-key:submit": ["partner"],
  "jws-key:read": ["partner", "officer", "admin", "gateway"],
  "jws-key:decide": ["officer"],
  "jws-key:retire": ["partner", "officer"],
  "provider-jws-key:write": ["admin"],
  "provider-jws-key:read": ["partner", "officer", "admin", "gateway"],
  "jws:verify": ["partner", "officer", "admin"],
} as const satisfies Record<string, readonly Role[]>;

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
  "certificate:revoke",
  "ca:init",
  "provider-ca:init",
  "provider-certificate:issue",
  "provider-server-chain:write",
  "provider-jws-key:write",
  "profile:write",
  "user:mfa-reset",
];

export function roleHas(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
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
  "organisation:update-own": "submit",
  "request:decide": "approve",
  "allowlist:decide": "approve",
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
  // JWS signing keys (issue 18)
  "jws-key:submit": "submit",
  "jws-key:retire": "submit",
  "jws-key:decide": "approve",
  "provider-jws-key:write": "admin",
};

/** The token scope a permission needs: "read" unless it changes something. */
export function scopeOf(permission: Permission): TokenScope {
  return SCOPE_OF[permission] ?? "read";
}
