import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { inviteOrgUser } from "@/lib/services/org-users/invite-org-user";
import { z } from "zod";

// The fields this route reads (the service validates their values).
const bodySchema = z.object({ email: z.unknown(), name: z.unknown(), partnerRole: z.unknown() });

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("org-user:invite", async ({ req, actor }) => {
    const body = await readJson(req, bodySchema);
    const r = await inviteOrgUser(actor, { email: body.email, name: body.name, partnerRole: body.partnerRole });
    return NextResponse.json({ id: r.id, email: r.email, partnerRole: r.partnerRole, expiresAt: r.expiresAt }, { status: 201 });
  }),
});
