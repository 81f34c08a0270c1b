import { errorResponse, fileResponse, queryOf } from "@/lib/api/handler";
import { authorize } from "@/lib/auth/actor";
import { requireRouteActor } from "@/lib/auth/web-actor";
import { downloadCertificate } from "@/lib/services/certificates/download-certificate";

export const dynamic = "force-dynamic";

// GET /partner/certificates/{id}/download?format=pem|chain|chain-root-first|der|p7b|zip
// (web session; the service scopes to the partner's organisation and audits every download).
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const actor = await requireRouteActor();
    authorize(actor, "area:partner");
    const { id } = await ctx.params;
    return fileResponse(await downloadCertificate(actor, id, queryOf(req).format ?? "pem"));
  } catch (e) {
    return errorResponse(e, "GET /partner/certificates/[id]/download");
  }
}
