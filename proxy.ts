import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";

// Redirects only: no session on a role area → the sign-in page. Pages, actions
// and route handlers authorize again themselves (lib/auth), so this is not a guard.
export async function proxy(req: NextRequest) {
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  if (!token) {
    const url = new URL("/signin", req.url);
    url.searchParams.set("callbackUrl", req.nextUrl.pathname + req.nextUrl.search);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = { matcher: ["/partner/:path*", "/officer/:path*", "/admin/:path*", "/gateway/:path*"] };
