import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { updateUser } from "@/lib/services/users/update-user";
import { z } from "zod";

export const dynamic = "force-dynamic";

// The API's names for updateUser's fields (the service validates the values).
const bodySchema = z.object({ name: z.unknown(), role: z.unknown(), organisation: z.unknown(), partnerRole: z.unknown() });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  PATCH: withApi<{ id: string }>("user:update", async ({ req, actor, params }) => {
    const body = await readJson(req, bodySchema);
    return NextResponse.json(await updateUser(actor, { user: { id: params.id }, name: body.name, role: body.role, orgCode: body.organisation, partnerRole: body.partnerRole }));
  }),
});
