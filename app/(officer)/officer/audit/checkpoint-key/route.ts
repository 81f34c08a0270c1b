import { errorResponse, fileResponse } from "@/lib/api/handler";
import { requireRouteActor } from "@/lib/auth/web-actor";
import { getCheckpointPublicKey } from "@/lib/services/audit/read-audit-checkpoints";

export const dynamic = "force-dynamic";

// GET /officer/audit/checkpoint-key (session; officers and admins): the public key that checks
// checkpoint signatures, as PEM, so a checkpoint can be checked with openssl alone.
export async function GET() {
  try {
    const actor = await requireRouteActor();
    return fileResponse(getCheckpointPublicKey(actor));
  } catch (e) {
    return errorResponse(e, "GET /officer/audit/checkpoint-key");
  }
}
