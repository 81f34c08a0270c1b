import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { enableUser } from "@/lib/services/users/set-user-disabled";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("user:disable", async ({ actor, params }) => NextResponse.json(await enableUser(actor, { user: { id: params.id } }))),
});
