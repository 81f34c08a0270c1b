// Single sign-on for provider staff (issue 20, item 4): OpenID Connect through next-auth's OAuth
// provider with OIDC discovery. Off unless KEYPORT_OIDC_ISSUER, KEYPORT_OIDC_CLIENT_ID and
// KEYPORT_OIDC_CLIENT_SECRET are all set. The role comes from one claim of the ID token
// (KEYPORT_OIDC_ROLE_CLAIM, default "keyport_role"; a string or an array of strings): a value in
// KEYPORT_OIDC_ADMIN_VALUES (default "admin") makes an admin, one in KEYPORT_OIDC_OFFICER_VALUES
// (default "officer") an officer; anything else is refused.
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { Role } from "@/lib/auth/permissions";

type Env = Record<string, string | undefined>;
export const OIDC_PROVIDER_ID = "oidc";

export type OidcConfig = { issuer: string; clientId: string; clientSecret: string; roleClaim: string; officerValues: string[]; adminValues: string[]; jit: boolean; name: string };

const list = (raw: string | undefined, fallback: string[]) => (raw?.trim() ? raw.split(",").map((v) => v.trim()).filter(Boolean) : fallback);

/** The SSO settings, or null when SSO is not configured. A half-configured issuer is a start-up error, not a silent fallback. */
export function oidcConfig(env: Env = process.env): OidcConfig | null {
  const issuer = env.KEYPORT_OIDC_ISSUER?.trim();
  const clientId = env.KEYPORT_OIDC_CLIENT_ID?.trim();
  const clientSecret = env.KEYPORT_OIDC_CLIENT_SECRET?.trim();
  if (!issuer && !clientId && !clientSecret) return null;
  if (!issuer || !clientId || !clientSecret) throw new Error("Single sign-on needs KEYPORT_OIDC_ISSUER, KEYPORT_OIDC_CLIENT_ID and KEYPORT_OIDC_CLIENT_SECRET together.");
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`KEYPORT_OIDC_ISSUER must be a URL; got "${issuer}".`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname))) {
    throw new Error("KEYPORT_OIDC_ISSUER must be https (http only on loopback).");
  }
  return {
    issuer: issuer.replace(/\/+$/, ""),
    clientId,
    clientSecret,
    roleClaim: env.KEYPORT_OIDC_ROLE_CLAIM?.trim() || "keyport_role",
    officerValues: list(env.KEYPORT_OIDC_OFFICER_VALUES, ["officer"]),
    adminValues: list(env.KEYPORT_OIDC_ADMIN_VALUES, ["admin"]),
    jit: env.KEYPORT_OIDC_JIT?.trim() === "true",
    name: env.KEYPORT_OIDC_NAME?.trim() || "single sign-on",
  };
}

/** The provider-staff role a set of ID-token claims maps to (admin wins over officer), or null. */
export function roleFromClaims(claims: Record<string, unknown>, cfg: Pick<OidcConfig, "roleClaim" | "officerValues" | "adminValues">): Extract<Role, "officer" | "admin"> | null {
  const raw = claims[cfg.roleClaim];
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === "string");
  if (values.some((v) => cfg.adminValues.includes(v))) return "admin";
  if (values.some((v) => cfg.officerValues.includes(v))) return "officer";
  return null;
}

/** Whether a role may sign in with a local password: provider staff not when KEYPORT_LOCAL_LOGIN_PROVIDER_STAFF=false. */
export function localLoginAllowed(role: Role, env: Env = process.env): boolean {
  if (role !== "officer" && role !== "admin") return true;
  return env.KEYPORT_LOCAL_LOGIN_PROVIDER_STAFF?.trim() !== "false";
}

/** next-auth's provider for the configured issuer (discovery, authorization code with PKCE and state, ID token checked). */
export function oidcProvider(cfg: OidcConfig): OAuthConfig<Record<string, unknown>> {
  return {
    id: OIDC_PROVIDER_ID,
    name: cfg.name,
    type: "oauth",
    wellKnown: `${cfg.issuer}/.well-known/openid-configuration`,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    idToken: true,
    checks: ["pkce", "state"],
    authorization: { params: { scope: "openid email profile" } },
    // Everything the mapping needs is kept; lib/services/auth/sign-in-oidc.ts decides.
    profile: (claims) => ({ id: String(claims.sub), email: typeof claims.email === "string" ? claims.email : null, name: typeof claims.name === "string" ? claims.name : null, claims }),
  };
}
