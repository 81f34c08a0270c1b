import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { endorseServerChain } from "@/lib/services/server-chains/decide-server-chain";
import { approveSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("server-chain:decide", async ({ req, actor, params }) => NextResponse.json(await endorseServerChain(actor, params.id, await readJson(req, approveSchema)))),
});
