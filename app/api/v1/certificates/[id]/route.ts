import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { getCertificate } from "@/lib/services/certificates/read-certificates";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("certificate:read", async ({ actor, params }) => NextResponse.json(await getCertificate(actor, params.id))),
});
