import { NextResponse } from "next/server";
import { apiRoute, readOptionalJson, withApi } from "@/lib/api/handler";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { approveSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("request:decide", async ({ req, actor, params }) =>
    NextResponse.json(await approveCertificateRequest(actor, params.id, (await readOptionalJson(req, approveSchema)) as never)),
  ),
});
