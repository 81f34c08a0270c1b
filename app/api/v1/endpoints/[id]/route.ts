import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { getEndpoint } from "@/lib/services/endpoints/read-endpoints";
import { removeEndpoint } from "@/lib/services/endpoints/register-endpoint";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("endpoint:read", async ({ actor, params }) => NextResponse.json(await getEndpoint(actor, params.id))),
  DELETE: withApi<{ id: string }>("endpoint:submit", async ({ actor, params }) => NextResponse.json(await removeEndpoint(actor, params.id))),
});
