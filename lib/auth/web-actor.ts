import "server-only";
import { getToken } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { findOpenSession } from "@/lib/auth/sessions";
import type { Actor } from "@/lib/auth/actor";
import { type Permission, granteeOf, roleHas } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { mfaRequiredFor } from "@/lib/auth/mfa";
import { AppError } from "@/lib/errors";

/**
 * The signed-in user as an Actor. The JWT is only a pointer to a session row: the row and its
 * user are read on every request (once per request for server components, through React's
 * cache), so sign-out, a password reset, an ended or idle session, a disabled account or a
 * changed role takes effect at once, on every instance.
 */
export const getWebActor = cache(async (): Promise<Actor | null> => {
  const [h, jar] = await Promise.all([headers(), cookies()]);
  const token = await getToken({ req: { headers: h, cookies: jar } as unknown as Parameters<typeof getToken>[0]["req"] }).catch(() => null);
  const open = await findOpenSession(token?.sid);
  if (!open || open.user.id !== token?.uid) return null;
  const { user } = open;
  return {
    type: "user",
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    partnerRole: user.partnerRole,
    orgId: user.orgId,
    via: "web",
    ip: clientIpFrom((n) => h.get(n)),
    sessionId: open.sessionId,
    mfaPending: !open.mfaAt && mfaRequiredFor(user.role),
    hasSecondFactor: !!user.totpEnabledAt || open.passkeys > 0,
    mfaAt: open.mfaAt,
  };
});

/** For pages: no session → sign-in page; wrong role → the 403 page. */
export async function requirePageActor(permission: Permission, callbackUrl: string): Promise<Actor & { type: "user" }> {
  const actor = await getWebActor();
  if (!actor || actor.type !== "user") redirect(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  // Provider staff without a second factor reach only its enrolment (lib/auth/mfa.ts).
  if (actor.mfaPending) redirect(`/account/mfa?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  if (!roleHas(granteeOf(actor), permission)) forbidden();
  return actor;
}

/** For server actions: they are public endpoints, so they authenticate themselves. */
export async function requireActionActor(): Promise<Actor> {
  const actor = await getWebActor();
  if (!actor) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
  return actor;
}

/** For session-authenticated route handlers (downloads from pages): the Actor, or AppError("unauthenticated"). */
export async function requireRouteActor(): Promise<Actor> {
  const actor = await getWebActor();
  if (!actor) throw new AppError("unauthenticated", "Sign in to download this file.");
  return actor;
}
