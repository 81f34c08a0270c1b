import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { changeOrgUserRole } from "@/lib/services/org-users/change-org-user-role";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  PATCH: withApi<{ id: string }>("org-user:update", async ({ req, actor, params }) => {
    const body = await readJson(req);
    return NextResponse.json(await changeOrgUserRole(actor, { user: { id: params.id }, partnerRole: body.partnerRole }));
  }),
});
