import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { inviteOrgUser } from "@/lib/services/org-users/invite-org-user";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("org-user:invite", async ({ req, actor }) => {
    const body = await readJson(req);
    const r = await inviteOrgUser(actor, { email: body.email, name: body.name, partnerRole: body.partnerRole });
    return NextResponse.json({ id: r.id, email: r.email, partnerRole: r.partnerRole, expiresAt: r.expiresAt }, { status: 201 });
  }),
});
