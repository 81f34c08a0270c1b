import { errorResponse, fileResponse } from "@/lib/api/handler";
import { requireRouteActor } from "@/lib/auth/web-actor";
import { createAuditCheckpoint } from "@/lib/services/audit/create-audit-checkpoint";

export const dynamic = "force-dynamic";

// GET /officer/audit/checkpoint (session; officers and admins): sign a checkpoint of the audit
// chain's head now and download it. Like an export, the checkpoint is itself recorded in the trail.
export async function GET() {
  try {
    const actor = await requireRouteActor();
    return fileResponse(await createAuditCheckpoint(actor, "download"));
  } catch (e) {
    return errorResponse(e, "GET /officer/audit/checkpoint");
  }
}
