import { apiRoute, fileResponse, publicApi } from "@/lib/api/handler";
import { optionalActor } from "@/lib/api/optional-actor";
import { recordPublicDownload } from "@/lib/services/ca/ca-chain";
import { providerServerChainFile } from "@/lib/services/provider/set-provider-server-chain";

export const dynamic = "force-dynamic";

// Public, no token: the provider endpoint's server certificate and chain (PEM, server first), which
// partners trust when they call the provider. A signed-in or token download is recorded.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: publicApi<{ code: string }>(async ({ req, params }) => {
    const actor = await optionalActor(req);
    const file = await providerServerChainFile(params.code);
    await recordPublicDownload(actor, { action: "ca.download", envCode: params.code, file: file.filename });
    return fileResponse(file, "public, max-age=300");
  }),
});
