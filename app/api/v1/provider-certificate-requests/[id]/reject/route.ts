import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { rejectProviderCertificateRequest } from "@/lib/services/provider/issue-provider-certificate";
import { rejectSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("provider-certificate:decide", async ({ req, actor, params }) => NextResponse.json(await rejectProviderCertificateRequest(actor, params.id, await readJson(req, rejectSchema)))),
});
