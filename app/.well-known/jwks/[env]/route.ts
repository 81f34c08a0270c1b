import { errorResponse } from "@/lib/api/handler";
import { jwksResponse } from "@/lib/api/jwks-response";
import { optionalActor } from "@/lib/api/optional-actor";
import { AppError } from "@/lib/errors";
import { partnerJwks } from "@/lib/services/jws-keys/jwks";

export const dynamic = "force-dynamic";

// GET /.well-known/jwks/{ENV}.json[?org=CODE]: the endorsed, unretired partner JWS keys of an
// environment. Needs a token (gateway, officer, admin; a partner gets its own keys only): the set
// names every partner organisation, which the provider does not publish.
export async function GET(req: Request, ctx: { params: Promise<{ env: string }> }) {
  try {
    const { env } = await ctx.params;
    const m = /^([A-Za-z][A-Za-z0-9]{0,31})\.json$/.exec(env);
    if (!m) throw new AppError("not_found", "No such JWK Set. Use /.well-known/jwks/{ENV}.json, /.well-known/jwks/{ENV}/{ORG}.json or /.well-known/jwks/{ENV}/provider.json.");
    const actor = await optionalActor(req);
    if (!actor) throw new AppError("unauthenticated", "The partner JWK Set needs a token (Authorization: Bearer …) of a gateway, officer or admin user, or a partner for its own keys.");
    const org = new URL(req.url).searchParams.get("org") ?? undefined;
    return jwksResponse(req, await partnerJwks(actor, m[1], org), "private");
  } catch (e) {
    return errorResponse(e, `GET ${new URL(req.url).pathname}`);
  }
}
