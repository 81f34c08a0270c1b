import { NextResponse } from "next/server";
import { apiRoute, readOptionalJson, withApi } from "@/lib/api/handler";
import { endorseJwsKey } from "@/lib/services/jws-keys/decide-jws-key";
import { approveSchema } from "@/lib/services/requests/approvals";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("jws-key:decide", async ({ req, actor, params }) => NextResponse.json(await endorseJwsKey(actor, params.id, await readOptionalJson(req, approveSchema)))),
});
