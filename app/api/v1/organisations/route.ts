import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, withApi } from "@/lib/api/handler";
import { listOrganisationsPage } from "@/lib/services/organisations/list-organisations";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("organisation:list", async ({ req, actor }) => {
    const page = await listOrganisationsPage(actor, pageOf(queryOf(req)));
    return NextResponse.json({
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
      organisations: page.organisations.map((o) => ({ id: o.id, code: o.code, legalName: o.legalName, groupEmail: o.groupEmail, state: o.disabled ? "disabled" : "active", users: o._count.users })),
    });
  }),
});
