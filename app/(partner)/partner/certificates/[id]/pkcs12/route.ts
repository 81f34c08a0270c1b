import { errorResponse, fileResponse, readJson } from "@/lib/api/handler";
import { authorize } from "@/lib/auth/actor";
import { requireRouteActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { downloadTruststore, truststoreSchema } from "@/lib/services/certificates/download-certificate";

export const dynamic = "force-dynamic";

// POST /partner/certificates/{id}/pkcs12 with {"password"} → the PKCS#12 truststore (web session).
// JSON only: a cross-site HTML form cannot send application/json without a CORS preflight.
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const actor = await requireRouteActor();
    authorize(actor, "area:partner");
    if (!(req.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) {
      throw new AppError("bad_request", "Send the password as JSON: {\"password\": \"…\"}.");
    }
    const { id } = await ctx.params;
    const body = await readJson(req, truststoreSchema, 4096);
    return fileResponse(await downloadTruststore(actor, id, { password: typeof body.password === "string" ? body.password : (undefined as never) }));
  } catch (e) {
    return errorResponse(e, "POST /partner/certificates/[id]/pkcs12");
  }
}
