import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { retireProviderJwsKey } from "@/lib/services/provider-jws-keys/retire-provider-jws-key";
import { retireJwsKeySchema } from "@/lib/services/jws-keys/schemas";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("provider-jws-key:write", async ({ req, actor, params }) => NextResponse.json(await retireProviderJwsKey(actor, params.id, await readJson(req, retireJwsKeySchema)))),
});
