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
  "organisation:create": ["admin"],
  "organisation:list": ["officer", "admin"],
  "organisation:read-own": ["partner"],
  "user:create": ["admin"],
  "user:list": ["admin"],
  "user:sessions-end": ["admin"],
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
  "notification:read": ["partner", "officer", "admin", "gateway"],
  "notification:configure": ["partner"],
  "mail:read": ["admin"],
  "reminder:write": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

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
