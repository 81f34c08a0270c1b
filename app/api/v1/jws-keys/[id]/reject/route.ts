import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { rejectJwsKey } from "@/lib/services/jws-keys/decide-jws-key";
import { rejectSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("jws-key:decide", async ({ req, actor, params }) => NextResponse.json(await rejectJwsKey(actor, params.id, await readJson(req, rejectSchema)))),
});
