import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { updateOrganisation } from "@/lib/services/organisations/update-organisation";
import { z } from "zod";

export const dynamic = "force-dynamic";

// The fields updateOrganisation takes from the API (the service validates the values).
const bodySchema = z.object({ legalName: z.unknown(), groupEmail: z.unknown() });

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  PATCH: withApi<{ id: string }>("organisation:update", async ({ req, actor, params }) => {
    const body = await readJson(req, bodySchema);
    const org = await updateOrganisation(actor, { organisation: { id: params.id }, legalName: body.legalName, groupEmail: body.groupEmail });
    return NextResponse.json({ id: org.id, code: org.code, legalName: org.legalName, groupEmail: org.groupEmail, state: org.disabled ? "disabled" : "active", changed: org.changed });
  }),
});
