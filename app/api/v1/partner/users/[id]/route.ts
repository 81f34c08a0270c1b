import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { changeOrgUserRole } from "@/lib/services/org-users/change-org-user-role";
import { z } from "zod";

// The fields this route reads (the service validates their values).
const bodySchema = z.object({ partnerRole: z.unknown() });

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  PATCH: withApi<{ id: string }>("org-user:update", async ({ req, actor, params }) => {
    const body = await readJson(req, bodySchema);
    return NextResponse.json(await changeOrgUserRole(actor, { user: { id: params.id }, partnerRole: body.partnerRole }));
  }),
});
