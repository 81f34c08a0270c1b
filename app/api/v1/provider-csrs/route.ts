import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { createProviderCsr } from "@/lib/services/provider-csrs/create-provider-csr";
import { listProviderCsrsPage } from "@/lib/services/provider-csrs/read-provider-csrs";
import { createProviderCsrSchema } from "@/lib/services/provider-csrs/schemas";

export const dynamic = "force-dynamic";

// The provider's CSRs for partners' CAs to sign (issue 17, item 3): admins create, everyone concerned lists.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("provider-csr:create", async ({ req, actor }) => NextResponse.json(await createProviderCsr(actor, await readJson(req, createProviderCsrSchema)), { status: 201 })),
  GET: withApi("provider-csr:read", async ({ req, actor }) => {
    const q = queryOf(req);
    return NextResponse.json(await listProviderCsrsPage(actor, { environment: q.environment, organisation: q.organisation, status: q.status, ...pageOf(q) }));
  }),
});
