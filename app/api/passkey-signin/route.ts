import { NextResponse } from "next/server";
import { CHALLENGE_TTL_MS, SIGNIN_CHALLENGE_COOKIE } from "@/lib/auth/webauthn";
import { startPasskeySignIn } from "@/lib/services/auth/passkeys";
import { servedOverHttps } from "@/lib/http/security-headers";
import { logUnexpected } from "@/lib/errors";

export const dynamic = "force-dynamic";

/**
 * Options for a passkey as the second factor at sign-in (before anyone is signed in, so no actor).
 * The challenge stays server-side; its id goes into an httpOnly, same-site cookie that next-auth's
 * credentials sign-in reads (lib/auth/options.ts), so the answer counts only from this browser, once.
 */
export async function POST() {
  try {
    const { options, challengeId } = await startPasskeySignIn();
    const res = NextResponse.json(options, { headers: { "cache-control": "no-store" } });
    res.cookies.set(SIGNIN_CHALLENGE_COOKIE, challengeId, { httpOnly: true, sameSite: "strict", path: "/api/auth", secure: servedOverHttps(), maxAge: CHALLENGE_TTL_MS / 1000 });
    return res;
  } catch (e) {
    const ref = logUnexpected(e, "passkey-signin");
    return NextResponse.json({ error: { code: "internal", message: `Something went wrong (ref ${ref}).` } }, { status: 500 });
  }
}
