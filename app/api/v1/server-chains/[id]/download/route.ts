import { apiRoute, fileResponse, queryOf, withApi } from "@/lib/api/handler";
import { downloadServerChain } from "@/lib/services/server-chains/read-server-chains";

export const dynamic = "force-dynamic";

// pem and p7b by GET; the PKCS#12 truststore takes its password in the X-Truststore-Password header (never in a URL).
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("server-chain:read", async ({ req, actor, params }) =>
    fileResponse(await downloadServerChain(actor, params.id, queryOf(req).format ?? "pem", { password: req.headers.get("x-truststore-password") ?? undefined })),
  ),
});
