import { NextResponse } from "next/server";
import { apiRoute, queryOf, withApi } from "@/lib/api/handler";
import { listCertificates } from "@/lib/services/certificates/read-certificates";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("certificate:read", async ({ req, actor }) => {
    const q = queryOf(req);
    return NextResponse.json({
      certificates: await listCertificates(actor, { environment: q.environment, organisation: q.organisation, status: q.status as never, q: q.q }),
    });
  }),
});
