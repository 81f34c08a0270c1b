import { NextResponse } from "next/server";
import { apiRoute, readOptionalJson, withApi } from "@/lib/api/handler";
import { rejectAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { rejectSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("allowlist:decide", async ({ req, actor, params }) =>
    NextResponse.json(await rejectAllowlistRequest(actor, params.id, (await readOptionalJson(req, rejectSchema)) as never)),
  ),
});
