import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { removeProviderEndpoint } from "@/lib/services/endpoints/provider-endpoints";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  DELETE: withApi<{ id: string }>("provider-endpoint:write", async ({ actor, params }) => NextResponse.json(await removeProviderEndpoint(actor, params.id))),
});
