import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { getAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("allowlist:read", async ({ actor, params }) => NextResponse.json(await getAllowlistRequest(actor, params.id))),
});
