import type { Actor } from "@/lib/auth/actor";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { authenticateToken } from "@/lib/services/tokens/authenticate-token";

/** next-auth's session cookie (plain, and the __Secure- form used over HTTPS). */
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?next-auth\.session-token(?:\.\d+)?=/;

/** True when the request says who sends it (a bearer token or a session cookie): its answer is then that caller's. */
export function carriesCredentials(req: Request): boolean {
  return req.headers.has("authorization") || SESSION_COOKIE.test(req.headers.get("cookie") ?? "");
}

/**
 * For public route handlers (CA certificates, CRLs): who is asking, when they say so.
 * A bearer token must be valid (a wrong one is refused, as everywhere); otherwise the
 * signed-in user when the request carries a session cookie; otherwise null (an anonymous
 * relying party, which costs no session lookup).
 */
export async function optionalActor(req: Request): Promise<Actor | null> {
  const authorization = req.headers.get("authorization");
  if (authorization) return authenticateToken(authorization, clientIpFrom((n) => req.headers.get(n)));
  if (!SESSION_COOKIE.test(req.headers.get("cookie") ?? "")) return null;
  const { getWebActor } = await import("@/lib/auth/web-actor");
  return getWebActor();
}
