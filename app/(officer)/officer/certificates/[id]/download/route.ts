import { errorResponse, fileResponse, queryOf } from "@/lib/api/handler";
import { requireRouteActor } from "@/lib/auth/web-actor";
import { downloadCertificate } from "@/lib/services/certificates/download-certificate";

export const dynamic = "force-dynamic";

// GET /officer/certificates/{id}/download?format=… (session; every download is audited by the service).
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const actor = await requireRouteActor();
    const { id } = await ctx.params;
    return fileResponse(await downloadCertificate(actor, id, queryOf(req).format ?? "pem"));
  } catch (e) {
    return errorResponse(e, "GET /officer/certificates/[id]/download");
  }
}
