import { apiRoute, fileResponse, queryOf, withApi } from "@/lib/api/handler";
import { exportEndpoints } from "@/lib/services/endpoints/export-endpoints";

export const dynamic = "force-dynamic";

// Gateways, officers and admins: the confirmed endpoint registry as json, csv or nginx blocks.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ code: string }>("endpoint:export", async ({ req, actor, params }) => fileResponse(await exportEndpoints(actor, params.code, queryOf(req).format ?? "json"))),
});
