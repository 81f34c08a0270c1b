import { NextResponse } from "next/server";
import { apiRoute, readOptionalJson, withApi } from "@/lib/api/handler";
import { confirmCertificateRequest } from "@/lib/services/requests/confirm-request";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("request:confirm", async ({ req, actor, params }) => {
    const body = await readOptionalJson(req);
    return NextResponse.json(await confirmCertificateRequest(actor, params.id, { comment: body?.comment }));
  }),
});
