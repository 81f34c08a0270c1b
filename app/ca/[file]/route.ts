import { errorResponse } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { optionalActor } from "@/lib/api/optional-actor";
import { getEnvironmentCaChain, recordPublicDownload } from "@/lib/services/ca/ca-chain";

export const dynamic = "force-dynamic";

// Public: GET /ca/{ENV}-root.cer and /ca/{ENV}-issuing.cer (DER), the AIA caIssuers targets.
export async function GET(req: Request, ctx: { params: Promise<{ file: string }> }) {
  try {
    const { file } = await ctx.params;
    const m = /^([A-Z][A-Z0-9]{1,9})-(root|issuing)\.cer$/.exec(file);
    if (!m) throw new AppError("not_found", "No such CA certificate. Use /ca/{ENV}-root.cer or /ca/{ENV}-issuing.cer.");
    const actor = await optionalActor(req);
    const chain = await getEnvironmentCaChain(m[1]);
    await recordPublicDownload(actor, { action: "ca.download", envCode: m[1], file });
    return new Response(Buffer.from(chain[m[2] as "root" | "issuing"].certDer), {
      headers: { "content-type": "application/pkix-cert", "content-disposition": `attachment; filename="${file}"`, "cache-control": "public, max-age=3600" },
    });
  } catch (e) {
    return errorResponse(e, `GET ${new URL(req.url).pathname}`);
  }
}
