import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { listOrganisations } from "@/lib/services/organisations/list-organisations";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("organisation:list", async ({ actor }) => {
    const orgs = await listOrganisations(actor);
    return NextResponse.json({
      organisations: orgs.map((o) => ({ id: o.id, code: o.code, legalName: o.legalName, groupEmail: o.groupEmail, state: o.disabled ? "disabled" : "active", users: o._count.users })),
    });
  }),
});
