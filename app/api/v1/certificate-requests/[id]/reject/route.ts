import { NextResponse } from "next/server";
import { apiRoute, readOptionalJson, withApi } from "@/lib/api/handler";
import { rejectCertificateRequest } from "@/lib/services/requests/decide-request";
import { rejectSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("request:decide", async ({ req, actor, params }) =>
    NextResponse.json(await rejectCertificateRequest(actor, params.id, (await readOptionalJson(req, rejectSchema)) as never)),
  ),
});
