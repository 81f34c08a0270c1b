import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { retireJwsKey } from "@/lib/services/jws-keys/retire-jws-key";
import { retireJwsKeySchema } from "@/lib/services/jws-keys/schemas";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("jws-key:retire", async ({ req, actor, params }) => NextResponse.json(await retireJwsKey(actor, params.id, await readJson(req, retireJwsKeySchema)))),
});
