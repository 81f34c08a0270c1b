import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { revokeOrgToken } from "@/lib/services/tokens/revoke-org-token";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("org-token:revoke", async ({ actor, params }) => NextResponse.json(await revokeOrgToken(actor, { id: params.id }))),
});
