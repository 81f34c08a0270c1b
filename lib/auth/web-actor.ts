import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { authOptions } from "@/lib/auth/options";
import type { Actor } from "@/lib/auth/actor";
import { type Permission, roleHas } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { AppError } from "@/lib/errors";

/**
 * The signed-in user as an Actor, re-read from the database on every request so
 * a disabled account or a changed role takes effect at once (the JWT is only a pointer).
 */
export async function getWebActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id) return null;
  const user = await getDb().user.findUnique({ where: { id } });
  if (!user || user.disabled) return null;
  const h = await headers();
  return {
    type: "user",
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    orgId: user.orgId,
    via: "web",
    ip: clientIpFrom((n) => h.get(n)),
  };
}

/** For pages: no session → sign-in page; wrong role → the 403 page. */
export async function requirePageActor(permission: Permission, callbackUrl: string): Promise<Actor & { type: "user" }> {
  const actor = await getWebActor();
  if (!actor || actor.type !== "user") redirect(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  if (!roleHas(actor.role, permission)) forbidden();
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
