import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { listProviderEndpointsPage, publishProviderEndpoint } from "@/lib/services/endpoints/provider-endpoints";
import { publishProviderEndpointSchema } from "@/lib/services/endpoints/schemas";

// The environment comes from the path.
const bodySchema = publishProviderEndpointSchema.omit({ environment: true });

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ code: string }>("endpoint:read", async ({ req, actor, params }) => NextResponse.json(await listProviderEndpointsPage(actor, params.code, pageOf(queryOf(req))))),
  POST: withApi<{ code: string }>("provider-endpoint:write", async ({ req, actor, params }) => NextResponse.json(await publishProviderEndpoint(actor, { ...(await readJson(req, bodySchema)), environment: params.code }), { status: 201 })),
});
