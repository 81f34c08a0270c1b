import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { approveProviderCertificateRequest } from "@/lib/services/provider/issue-provider-certificate";
import { approveSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("provider-certificate:decide", async ({ req, actor, params }) => NextResponse.json(await approveProviderCertificateRequest(actor, params.id, await readJson(req, approveSchema)))),
});
