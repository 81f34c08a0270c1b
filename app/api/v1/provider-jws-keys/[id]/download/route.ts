import { apiRoute, fileResponse, queryOf, withApi } from "@/lib/api/handler";
import { downloadProviderJwsKey } from "@/lib/services/provider-jws-keys/read-provider-jws-keys";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("provider-jws-key:read", async ({ req, actor, params }) => fileResponse(await downloadProviderJwsKey(actor, params.id, queryOf(req).format ?? "pem"))),
});
