import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { getCertificateRequest } from "@/lib/services/requests/read-requests";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("request:read", async ({ actor, params }) => NextResponse.json(await getCertificateRequest(actor, params.id))),
});
