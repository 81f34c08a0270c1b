import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { enableOrgUser } from "@/lib/services/org-users/set-org-user-disabled";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("org-user:disable", async ({ actor, params }) => NextResponse.json(await enableOrgUser(actor, { user: { id: params.id } }))),
});
