import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { rejectServerChain } from "@/lib/services/server-chains/decide-server-chain";
import { rejectSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("server-chain:decide", async ({ req, actor, params }) => NextResponse.json(await rejectServerChain(actor, params.id, await readJson(req, rejectSchema)))),
});
