import { apiRoute, fileResponse, publicApi, queryOf } from "@/lib/api/handler";
import { optionalActor } from "@/lib/api/optional-actor";
import { recordPublicDownload } from "@/lib/services/ca/ca-chain";
import { providerClientCaFile } from "@/lib/services/provider/provider-client-ca-file";

export const dynamic = "force-dynamic";

// Public, no token: the provider client CA partners' servers trust for the provider's calls. A
// signed-in partner's or a token's download is recorded (the exchange page shows it as done).
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: publicApi<{ code: string }>(async ({ req, params }) => {
    const actor = await optionalActor(req);
    const format = queryOf(req).format ?? "pem";
    const file = await providerClientCaFile(params.code, format);
    await recordPublicDownload(actor, { action: "ca.download", envCode: params.code, file: file.filename, format });
    return fileResponse(file, "public, max-age=300");
  }),
});
