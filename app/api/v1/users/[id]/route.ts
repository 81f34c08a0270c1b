import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { updateUser } from "@/lib/services/users/update-user";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  PATCH: withApi<{ id: string }>("user:update", async ({ req, actor, params }) => {
    const body = await readJson(req);
    return NextResponse.json(await updateUser(actor, { user: { id: params.id }, name: body.name, role: body.role, orgCode: body.organisation, partnerRole: body.partnerRole }));
  }),
});
