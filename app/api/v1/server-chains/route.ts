import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { listServerChainsPage } from "@/lib/services/server-chains/read-server-chains";
import { uploadServerChainSchema } from "@/lib/services/server-chains/schemas";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("server-chain:submit", async ({ req, actor }) => NextResponse.json(await uploadServerChain(actor, await readJson(req, uploadServerChainSchema, 160 * 1024)), { status: 201 })),
  GET: withApi("server-chain:read", async ({ req, actor }) => {
    const q = queryOf(req);
    return NextResponse.json(await listServerChainsPage(actor, { environment: q.environment, organisation: q.organisation, status: q.status, ...pageOf(q) }));
  }),
});
