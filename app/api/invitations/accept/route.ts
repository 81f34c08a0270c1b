import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { acceptInvitation } from "@/lib/services/org-users/accept-invitation";

export const dynamic = "force-dynamic";

/**
 * The invitee sets a password (the form on /invite/<token>). No session: holding the single-use link
 * from the invitation mail is the proof; the service checks it, spends it and creates the user.
 */
export async function POST(req: Request) {
  try {
    const text = await req.text();
    if (text.length > 16_384) throw new AppError("too_large", "The form is larger than 16 KiB.");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError("bad_request", "Send the form as a JSON object.");
    }
    if (!body || typeof body !== "object") throw new AppError("bad_request", "Send the form as a JSON object.");
    const { token, name, password } = body as Record<string, unknown>;
    return NextResponse.json(await acceptInvitation({ token: token as string, name: name as string | undefined, password: password as string }), { headers: { "cache-control": "no-store" } });
  } catch (e) {
    return errorResponse(e, "POST /api/invitations/accept");
  }
}
