import { apiRoute, fileResponse, publicApi, queryOf } from "@/lib/api/handler";
import { optionalActor } from "@/lib/api/optional-actor";
import { caChainFile, recordPublicDownload } from "@/lib/services/ca/ca-chain";

export const dynamic = "force-dynamic";

// Public, no token: CA certificates are public (RFC 5280 §4.2.2.1). A signed-in user's or a
// token's download is recorded in the audit trail.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: publicApi<{ code: string }>(async ({ req, params }) => {
    const actor = await optionalActor(req);
    const format = queryOf(req).format ?? "pem";
    const file = await caChainFile(params.code, format);
    await recordPublicDownload(actor, { action: "ca.download", envCode: params.code, file: file.filename, format });
    return fileResponse(file, "public, max-age=300");
  }),
});
