import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, withApi } from "@/lib/api/handler";
import { listProbesPage } from "@/lib/services/endpoints/run-probe";

export const dynamic = "force-dynamic";

// The latest readiness probe results of an environment (partners: their own); run one with POST /api/v1/endpoints/{id}/probe.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ env: string }>("probe:read", async ({ req, actor, params }) => {
    const q = queryOf(req);
    return NextResponse.json(await listProbesPage(actor, params.env, { organisation: q.org, endpoint: q.endpoint, ...pageOf(q) }));
  }),
});
