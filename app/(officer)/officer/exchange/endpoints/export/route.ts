import { errorResponse, fileResponse, queryOf } from "@/lib/api/handler";
import { requireRouteActor } from "@/lib/auth/web-actor";
import { exportEndpoints } from "@/lib/services/endpoints/export-endpoints";

export const dynamic = "force-dynamic";

// GET /officer/exchange/endpoints/export?environment=PRD&format=json|csv|nginx (session, recorded in the audit trail).
export async function GET(req: Request) {
  try {
    const actor = await requireRouteActor();
    const q = queryOf(req);
    return fileResponse(await exportEndpoints(actor, q.environment ?? "", q.format ?? "json"));
  } catch (e) {
    return errorResponse(e, "GET /officer/exchange/endpoints/export");
  }
}
