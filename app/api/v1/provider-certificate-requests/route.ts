import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { listProviderCertificateRequestsPage, requestProviderCertificate } from "@/lib/services/provider/issue-provider-certificate";
import { z } from "zod";

// The fields this route reads (the service validates their values).
const bodySchema = z.object({ environment: z.unknown(), csr: z.unknown(), commonName: z.unknown() });

export const dynamic = "force-dynamic";

// The provider's own client certificates (issue 17, item 2): `csr` (made on the gateway) or `commonName`
// (Keyport generates and seals the key). Issued at once with one approver; else it waits for officers.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("provider-certificate:issue", async ({ req, actor }) => {
    const r = await requestProviderCertificate(actor, await readJson(req, bodySchema));
    return NextResponse.json(r, { status: r.status === "issued" ? 201 : 202 });
  }),
  GET: withApi("provider-certificate:issue", async ({ req, actor }) => {
    const q = queryOf(req);
    return NextResponse.json(await listProviderCertificateRequestsPage(actor, q.environment, { status: q.status, ...pageOf(q) }));
  }),
});
