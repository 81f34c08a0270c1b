import { errorResponse } from "@/lib/api/handler";
import { jwksResponse } from "@/lib/api/jwks-response";
import { optionalActor } from "@/lib/api/optional-actor";
import { AppError } from "@/lib/errors";
import { partnerJwks, providerJwks } from "@/lib/services/jws-keys/jwks";

export const dynamic = "force-dynamic";

// GET /.well-known/jwks/{ENV}/provider.json: the provider's active JWS keys, public (partners
// verify the provider's signatures with them). GET /.well-known/jwks/{ENV}/{ORG}.json: one
// partner's endorsed, unretired keys, with a token as for /.well-known/jwks/{ENV}.json.
export async function GET(req: Request, ctx: { params: Promise<{ env: string; file: string }> }) {
  try {
    const { env, file } = await ctx.params;
    const m = /^(.{1,64})\.json$/.exec(file);
    if (!/^[A-Za-z][A-Za-z0-9]{0,31}$/.test(env) || !m) throw new AppError("not_found", "No such JWK Set. Use /.well-known/jwks/{ENV}/provider.json or /.well-known/jwks/{ENV}/{ORG}.json.");
    if (m[1] === "provider") return jwksResponse(req, await providerJwks(env), "public");
    const actor = await optionalActor(req);
    if (!actor) throw new AppError("unauthenticated", "A partner's JWK Set needs a token (Authorization: Bearer …) of a gateway, officer or admin user, or of that partner.");
    return jwksResponse(req, await partnerJwks(actor, env, m[1]), "private");
  } catch (e) {
    return errorResponse(e, `GET ${new URL(req.url).pathname}`);
  }
}
