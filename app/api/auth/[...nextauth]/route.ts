import NextAuth from "next-auth";
import { cookies } from "next/headers";
import { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { portalOrigin, safeCallbackPath } from "@/lib/auth/callback-url";

const nextAuth = NextAuth(authOptions);
const CALLBACK_COOKIE = /^(__Secure-)?next-auth\.callback-url$/;

/**
 * next-auth answers 500 ("server configuration") to a callbackUrl parameter or callback-url cookie
 * it cannot parse — both are the caller's to forge. Drop any that does not lead to a path on this
 * portal (lib/auth/callback-url.ts) before next-auth sees it; its own redirect callback then takes
 * the default.
 */
async function handler(req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) {
  const origin = portalOrigin(`${req.nextUrl.protocol}//${req.headers.get("host") ?? "localhost"}`);
  let request = req;
  const param = req.nextUrl.searchParams.get("callbackUrl");
  if (param !== null && !safeCallbackPath(param, origin)) {
    const url = new URL(req.url);
    url.searchParams.delete("callbackUrl");
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
    request = new NextRequest(url, { method: req.method, headers: req.headers, body });
  }
  const jar = await cookies();
  for (const c of jar.getAll()) {
    if (CALLBACK_COOKIE.test(c.name) && !safeCallbackPath(c.value, origin)) jar.delete(c.name);
  }
  return nextAuth(request, ctx);
}

export { handler as GET, handler as POST };
