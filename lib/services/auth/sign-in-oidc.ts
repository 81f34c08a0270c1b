// Sign-in through the provider's OpenID Connect issuer (lib/auth/oidc.ts), called by next-auth's
// signIn callback once it has checked the ID token (signature, issuer, audience, nonce/PKCE, state).
// The mapped claim decides the role; only provider staff (officer, admin) sign in this way. An
// unknown email is refused unless KEYPORT_OIDC_JIT=true; a disabled user is refused. The issuer's
// sign-in counts as the session's second factor (enforce MFA at the issuer). Every outcome is audited.
import { randomBytes } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { hashPassword } from "@/lib/auth/password";
import { createSession, endUserSessions } from "@/lib/auth/sessions";
import { type OidcConfig, roleFromClaims } from "@/lib/auth/oidc";
import { printable } from "@/lib/control-characters";
import type { SignedIn } from "@/lib/services/auth/sign-in";
import type { Role } from "@/lib/auth/permissions";

type Failure = "no_email" | "email_unverified" | "no_role" | "unknown_user" | "not_provider_staff" | "disabled";

export async function signInWithOidc(cfg: OidcConfig, claims: Record<string, unknown>): Promise<SignedIn | null> {
  const db = getDb();
  const rawEmail = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  const email = printable(rawEmail, 320);
  const sub = printable(String(claims.sub ?? ""), 255);
  const fail = async (reason: Failure, orgId: string | null = null): Promise<null> => {
    await db.$transaction((tx) => recordAudit(tx, { type: "anonymous", ip: null }, { action: "auth.signin_failed", orgId, details: { email, via: "oidc", sub, reason } }));
    return null;
  };
  if (!rawEmail || rawEmail !== email || !/^[^@\s]+@[^@\s]+$/.test(rawEmail)) return fail("no_email");
  if (claims.email_verified === false) return fail("email_unverified");
  const role = roleFromClaims(claims, cfg);
  if (!role) return fail("no_role");

  const user = await db.user.findUnique({ where: { email }, include: { org: { select: { disabled: true } } } });
  if (!user && !cfg.jit) return fail("unknown_user");
  if (user && user.role !== "officer" && user.role !== "admin") return fail("not_provider_staff", user.orgId);
  if (user && (user.disabled || user.org?.disabled)) return fail("disabled", user.orgId);
  // A just-in-time account gets a random password nobody knows (staff with SSO sign in through the issuer).
  const passwordHash = user ? null : await hashPassword(randomBytes(32).toString("base64url"));
  const name = typeof claims.name === "string" && claims.name.trim() ? printable(claims.name.trim(), 200) : email.split("@")[0];

  const signedIn = await db.$transaction(async (tx) => {
    const ssoActor = (u: { id: string; email: string; name: string; role: Role; orgId: string | null }) => ({ type: "user" as const, userId: u.id, email: u.email, name: u.name, role: u.role, orgId: u.orgId, via: "web" as const, ip: null });
    let u = user;
    if (!u) {
      const created = await tx.user.create({ data: { email, name, role, passwordHash: passwordHash! } });
      await recordAudit(tx, ssoActor(created), { action: "user.create", targetType: "user", targetId: created.id, details: { email, role, via: "oidc", sub } });
      u = { ...created, org: null };
    } else if (u.role !== role) {
      // The issuer is the source of truth for staff roles: a changed claim changes the role (audited, other sessions end).
      const before = u.role;
      await tx.user.update({ where: { id: u.id }, data: { role } });
      const sessionsEnded = await endUserSessions(tx, u.id, "role_changed");
      await recordAudit(tx, ssoActor({ ...u, role }), { action: "user.update", targetType: "user", targetId: u.id, details: { email, before: { role: before }, after: { role }, via: "oidc", sessionsEnded } });
      u = { ...u, role };
    }
    const sid = await createSession(u.id, null, tx, { mfaAt: new Date() });
    await recordAudit(tx, ssoActor(u), { action: "auth.signin", orgId: u.orgId, targetType: "user", targetId: u.id, details: { session: sid, via: "oidc", sub, secondFactor: "oidc" } });
    return { id: u.id, email: u.email, name: u.name, role: u.role, orgId: u.orgId, sessionId: sid };
  });
  return signedIn;
}
