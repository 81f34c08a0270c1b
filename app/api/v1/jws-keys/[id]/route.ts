import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { getJwsKey } from "@/lib/services/jws-keys/read-jws-keys";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("jws-key:read", async ({ actor, params }) => NextResponse.json(await getJwsKey(actor, params.id))),
});
