import { NextResponse } from "next/server";
import { apiRoute, readOptionalJson, withApi } from "@/lib/api/handler";
import { confirmEndpoint } from "@/lib/services/endpoints/decide-endpoint";
import { approveSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("endpoint:decide", async ({ req, actor, params }) => NextResponse.json(await confirmEndpoint(actor, params.id, await readOptionalJson(req, approveSchema)))),
});
