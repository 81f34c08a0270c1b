import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { registerEndpoint } from "@/lib/services/endpoints/register-endpoint";
import { listEndpointsPage } from "@/lib/services/endpoints/read-endpoints";
import { registerEndpointSchema } from "@/lib/services/endpoints/schemas";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("endpoint:submit", async ({ req, actor }) => NextResponse.json(await registerEndpoint(actor, await readJson(req, registerEndpointSchema)), { status: 201 })),
  GET: withApi("endpoint:read", async ({ req, actor }) => {
    const q = queryOf(req);
    return NextResponse.json(await listEndpointsPage(actor, { environment: q.environment, organisation: q.organisation, status: q.status, kind: q.kind, ...pageOf(q) }));
  }),
});
