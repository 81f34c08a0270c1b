import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { listCertificateRequestsPage } from "@/lib/services/requests/read-requests";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { submitRequestSchema } from "@/lib/services/requests/submit-request";

export const dynamic = "force-dynamic";

// A JSON body carries the CSR (at most 64 KiB) as PEM or base64 DER, plus a little JSON.
const MAX_BODY = 96 * 1024;

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("request:submit", async ({ req, actor }) => {
    const body = await readJson(req, submitRequestSchema, MAX_BODY);
    const result = await submitCertificateRequest(actor, body as never);
    return NextResponse.json(result, { status: 201 });
  }),
  GET: withApi("request:read", async ({ req, actor }) => {
    const q = queryOf(req);
    // One page (limit, default 200); nextCursor, when not null, fetches the next one (?cursor=).
    return NextResponse.json(await listCertificateRequestsPage(actor, { status: q.status as never, environment: q.environment, organisation: q.organisation, ...pageOf(q) }));
  }),
});
