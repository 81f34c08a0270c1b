import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { cancelProviderCsr } from "@/lib/services/provider-csrs/create-provider-csr";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("provider-csr:create", async ({ actor, params }) => NextResponse.json(await cancelProviderCsr(actor, params.id))),
});
