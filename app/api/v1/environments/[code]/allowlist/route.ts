import { apiRoute, queryOf, withApi } from "@/lib/api/handler";
import { exportAllowlist } from "@/lib/services/allowlist/allowlist-requests";

export const dynamic = "force-dynamic";

// Officers, admins and gateway tokens: the environment's approved source IPs.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ code: string }>("allowlist:export", async ({ req, actor, params }) => {
    const file = await exportAllowlist(actor, params.code, queryOf(req).format ?? "json");
    return new Response(file.body, { headers: { "content-type": file.contentType, "cache-control": "no-store" } });
  }),
});
