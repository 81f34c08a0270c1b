import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, withApi } from "@/lib/api/handler";
import { listCertificatesPage } from "@/lib/services/certificates/read-certificates";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("certificate:read", async ({ req, actor }) => {
    const q = queryOf(req);
    // One page (limit, default 200); nextCursor, when not null, fetches the next one (?cursor=).
    const page = await listCertificatesPage(actor, { environment: q.environment, organisation: q.organisation, status: q.status as never, q: q.q, ...pageOf(q) });
    return NextResponse.json(page);
  }),
});
