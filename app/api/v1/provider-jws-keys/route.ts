import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { createProviderJwsKey } from "@/lib/services/provider-jws-keys/create-provider-jws-key";
import { listProviderJwsKeysPage } from "@/lib/services/provider-jws-keys/read-provider-jws-keys";
import { createProviderJwsKeySchema } from "@/lib/services/jws-keys/schemas";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("provider-jws-key:write", async ({ req, actor }) => NextResponse.json(await createProviderJwsKey(actor, await readJson(req, createProviderJwsKeySchema, 80 * 1024)), { status: 201 })),
  GET: withApi("provider-jws-key:read", async ({ req, actor }) => {
    const q = queryOf(req);
    return NextResponse.json(await listProviderJwsKeysPage(actor, q.environment, { active: q.active === "true", ...pageOf(q) }));
  }),
});
