import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { listProviderEndpoints, publishProviderEndpoint } from "@/lib/services/endpoints/provider-endpoints";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ code: string }>("endpoint:read", async ({ actor, params }) => NextResponse.json({ endpoints: await listProviderEndpoints(actor, params.code) })),
  POST: withApi<{ code: string }>("provider-endpoint:write", async ({ req, actor, params }) => NextResponse.json(await publishProviderEndpoint(actor, { ...(await readJson(req)), environment: params.code }), { status: 201 })),
});
