import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { rejectEndpoint } from "@/lib/services/endpoints/decide-endpoint";
import { rejectSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("endpoint:decide", async ({ req, actor, params }) => NextResponse.json(await rejectEndpoint(actor, params.id, await readJson(req, rejectSchema)))),
});
