import { errorResponse } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { optionalActor } from "@/lib/api/optional-actor";
import { getEnvironmentCrl, recordPublicDownload } from "@/lib/services/ca/ca-chain";
import { providerClientCrl } from "@/lib/services/provider/provider-client-ca-file";

export const dynamic = "force-dynamic";

// Public: GET /crl/{ENV}.crl (issuing CA), /crl/{ENV}-root.crl (root CA) and
// /crl/{ENV}-provider-client.crl (the provider client CA), DER.
// Recorded in the audit trail when a signed-in user or a token fetches it.
export async function GET(req: Request, ctx: { params: Promise<{ file: string }> }) {
  try {
    const { file } = await ctx.params;
    const m = /^([A-Z][A-Z0-9]{1,9})(-root|-provider-client)?\.crl$/.exec(file);
    if (!m) throw new AppError("not_found", "No such CRL. Use /crl/{ENV}.crl, /crl/{ENV}-root.crl or /crl/{ENV}-provider-client.crl.");
    const actor = await optionalActor(req);
    const crl = m[2] === "-provider-client" ? await providerClientCrl(m[1]) : await getEnvironmentCrl(m[1], m[2] ? "root" : "issuing");
    await recordPublicDownload(actor, { action: "crl.download", envCode: m[1], file });
    return new Response(Buffer.from(crl.der), {
      headers: {
        "content-type": "application/pkix-crl",
        "content-disposition": `attachment; filename="${file}"`,
        // Revalidate every time: a revocation takes effect at once (a new CRL), so no cache may hold an older one.
        "cache-control": "no-cache",
        "last-modified": crl.thisUpdate.toUTCString(),
      },
    });
  } catch (e) {
    return errorResponse(e, `GET ${new URL(req.url).pathname}`);
  }
}
