import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { enableOrganisation } from "@/lib/services/organisations/set-organisation-disabled";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("organisation:disable", async ({ actor, params }) => NextResponse.json(await enableOrganisation(actor, { organisation: { id: params.id } }))),
});
