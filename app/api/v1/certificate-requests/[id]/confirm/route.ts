import { NextResponse } from "next/server";
import { apiRoute, readOptionalJson, withApi } from "@/lib/api/handler";
import { confirmCertificateRequest } from "@/lib/services/requests/confirm-request";
import { z } from "zod";

// The fields this route reads (the service validates their values).
const bodySchema = z.object({ comment: z.unknown() });

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("request:confirm", async ({ req, actor, params }) => {
    const body = await readOptionalJson(req, bodySchema);
    return NextResponse.json(await confirmCertificateRequest(actor, params.id, { comment: body?.comment }));
  }),
});
