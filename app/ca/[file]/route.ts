import { errorResponse } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { optionalActor } from "@/lib/api/optional-actor";
import { getEnvironmentCaChain, recordPublicDownload } from "@/lib/services/ca/ca-chain";
import { getProviderClientCa } from "@/lib/services/provider/provider-client-ca-file";

export const dynamic = "force-dynamic";

// Public: GET /ca/{ENV}-root.cer and /ca/{ENV}-issuing.cer (DER), the AIA caIssuers targets.
export async function GET(req: Request, ctx: { params: Promise<{ file: string }> }) {
  try {
    const { file } = await ctx.params;
    const m = /^([A-Z][A-Z0-9]{1,9})-(root|issuing|provider-client)\.cer$/.exec(file);
    if (!m) throw new AppError("not_found", "No such CA certificate. Use /ca/{ENV}-root.cer, /ca/{ENV}-issuing.cer or /ca/{ENV}-provider-client.cer.");
    const actor = await optionalActor(req);
    const der = m[2] === "provider-client" ? (await getProviderClientCa(m[1])).ca.certDer : (await getEnvironmentCaChain(m[1]))[m[2] as "root" | "issuing"].certDer;
    await recordPublicDownload(actor, { action: "ca.download", envCode: m[1], file });
    return new Response(Buffer.from(der), {
      headers: { "content-type": "application/pkix-cert", "content-disposition": `attachment; filename="${file}"`, "cache-control": "public, max-age=3600" },
    });
  } catch (e) {
    return errorResponse(e, `GET ${new URL(req.url).pathname}`);
  }
}
