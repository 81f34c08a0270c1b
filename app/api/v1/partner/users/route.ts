import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, withApi } from "@/lib/api/handler";
import { listOrgUsers } from "@/lib/services/org-users/list-org-users";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("org-user:list", async ({ req, actor }) => {
    const r = await listOrgUsers(actor, pageOf(queryOf(req)));
    return NextResponse.json({
      organisation: r.organisation.code,
      users: r.users.map((u) => ({ id: u.id, email: u.email, name: u.name, partnerRole: u.partnerRole, state: u.disabled ? "disabled" : "active", createdAt: u.createdAt })),
      invitations: r.invitations,
      nextCursor: r.nextCursor,
      prevCursor: r.prevCursor,
    });
  }),
});
