import { errorResponse, fileResponse, queryOf } from "@/lib/api/handler";
import { requireRouteActor } from "@/lib/auth/web-actor";
import { exportAuditEvents } from "@/lib/services/audit/search-audit-events";

export const dynamic = "force-dynamic";

// GET /officer/audit/export?format=csv|json&action=&organisation=&actor=&from=&to= (session; the export itself is audited).
export async function GET(req: Request) {
  try {
    const actor = await requireRouteActor();
    const { format, action, organisation, actor: who, from, to } = queryOf(req);
    return fileResponse(await exportAuditEvents(actor, { action, organisation, actor: who, from, to }, format ?? "csv"));
  } catch (e) {
    return errorResponse(e, "GET /officer/audit/export");
  }
}
