import { errorResponse, fileResponse, queryOf } from "@/lib/api/handler";
import { requireRouteActor } from "@/lib/auth/web-actor";
import { exportAllowlist } from "@/lib/services/allowlist/allowlist-requests";

export const dynamic = "force-dynamic";

// GET /officer/allowlist/export?environment=PRD&format=json|txt|nginx (session, recorded in the audit trail).
export async function GET(req: Request) {
  try {
    const actor = await requireRouteActor();
    const q = queryOf(req);
    return fileResponse(await exportAllowlist(actor, q.environment ?? "", q.format ?? "json"));
  } catch (e) {
    return errorResponse(e, "GET /officer/allowlist/export");
  }
}
