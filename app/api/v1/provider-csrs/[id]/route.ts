import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { getProviderCsr } from "@/lib/services/provider-csrs/read-provider-csrs";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("provider-csr:read", async ({ actor, params }) => NextResponse.json(await getProviderCsr(actor, params.id))),
});
