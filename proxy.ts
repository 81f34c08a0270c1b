import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, createNonce, servedOverHttps, strictTransportSecurity } from "@/lib/http/security-headers";
import { bodyTooLargeMessage, declaredTooLarge, streamedTooLarge } from "@/lib/http/body-limit";
import { isRoleArea } from "@/lib/http/role-areas";

/** Headers this proxy adds to every answer it gives or passes on (the static ones are in next.config.mjs). */
function secure(res: NextResponse, csp: string): NextResponse {
  res.headers.set("content-security-policy", csp);
  const hsts = strictTransportSecurity();
  if (hsts) res.headers.set("strict-transport-security", hsts);
  return res;
}

/**
 * Every page and page-area route handler:
 * 1. a body over the server-action limit answers 413 before Next.js's action handler (which
 *    answers 500) sees it;
 * 2. no session on a role area → the sign-in page. Pages, actions and route handlers authorize
 *    again themselves (lib/auth), so this is not a guard;
 * 3. a fresh CSP nonce: Next.js reads it from the request's Content-Security-Policy header and
 *    puts it on its own scripts while rendering (the pages are dynamic: the root layout reads the
 *    session), and the browser gets the same policy.
 */
export async function proxy(req: NextRequest) {
  const nonce = createNonce();
  const csp = contentSecurityPolicy({ nonce, dev: process.env.NODE_ENV === "development", https: servedOverHttps() });

  if (req.method !== "GET" && req.method !== "HEAD") {
    // A declared length is checked unread. A chunked body has none: it is counted as it streams
    // and dropped (lib/http/body-limit.ts). Next.js has by then copied at most
    // proxyClientMaxBodySize (next.config.mjs) of it, and sends this answer once the client has
    // finished sending; only a server in front of Next.js could cut the upload short.
    const contentLength = req.headers.get("content-length");
    if (declaredTooLarge(contentLength) || (contentLength === null && (await streamedTooLarge(req.body)))) {
      return secure(new NextResponse(bodyTooLargeMessage(), { status: 413, headers: { "content-type": "text/plain", "cache-control": "no-store" } }), csp);
    }
  }

  if (isRoleArea(req.nextUrl.pathname)) {
    const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
    if (!token) {
      const url = new URL("/signin", req.url);
      url.searchParams.set("callbackUrl", req.nextUrl.pathname + req.nextUrl.search);
      return secure(NextResponse.redirect(url), csp);
    }
  }

  const headers = new Headers(req.headers);
  // Any copy the client sent is replaced: the nonce is the server's.
  headers.set("content-security-policy", csp);
  headers.set("x-nonce", nonce);
  return secure(NextResponse.next({ request: { headers } }), csp);
}

// Pages and the route handlers beside them; not /api (JSON answers get their headers in
// lib/api/handler.ts and next.config.mjs, and read their own bodies within their own limits),
// nor build assets. Prefetches are included: a prefetch of a role area must redirect as before.
export const config = { matcher: ["/((?!api/|_next/static/|_next/image).*)"] };
