import { errorResponse, fileResponse } from "@/lib/api/handler";
import { requireRouteActor } from "@/lib/auth/web-actor";
import { getAuditCheckpointFile } from "@/lib/services/audit/read-audit-checkpoints";

export const dynamic = "force-dynamic";

// GET /officer/audit/checkpoint/{id} (session; officers and admins): a stored checkpoint (e.g. one `keyport jobs run` made).
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  try {
    const actor = await requireRouteActor();
    return fileResponse(await getAuditCheckpointFile(actor, (await ctx.params).id));
  } catch (e) {
    return errorResponse(e, "GET /officer/audit/checkpoint/[id]");
  }
}
