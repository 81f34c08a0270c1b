import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { getWebActor } from "@/lib/auth/web-actor";
import { authenticateToken } from "@/lib/services/tokens/authenticate-token";

/**
 * For public route handlers (CA certificates, CRLs): who is asking, when they say so.
 * A bearer token must be valid (a wrong one is refused, as everywhere); otherwise the
 * signed-in user, if any; otherwise null (an anonymous relying party).
 */
export async function optionalActor(req: Request): Promise<Actor | null> {
  const authorization = req.headers.get("authorization");
  if (authorization) return authenticateToken(authorization, clientIpFrom((n) => req.headers.get(n)));
  return getWebActor();
}
