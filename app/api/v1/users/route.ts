import { NextResponse } from "next/server";
import { apiRoute, queryOf, withApi } from "@/lib/api/handler";
import { listUsersPage } from "@/lib/services/users/list-users";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("user:list", async ({ req, actor }) => {
    const page = await listUsersPage(actor, queryOf(req));
    return NextResponse.json({
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
      users: page.users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, organisation: u.org?.code ?? null, state: u.disabled ? "disabled" : "active", createdAt: u.createdAt })),
    });
  }),
});
