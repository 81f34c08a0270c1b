import { NextResponse } from "next/server";
import { apiRoute, queryOf, withApi } from "@/lib/api/handler";
import { getExchange } from "@/lib/services/exchange/get-exchange";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ env: string }>("exchange:read", async ({ req, actor, params }) => NextResponse.json(await getExchange(actor, params.env, queryOf(req).org))),
});
