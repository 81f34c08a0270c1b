import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, withApi } from "@/lib/api/handler";
import { listAllowlistEntriesPage } from "@/lib/services/allowlist/allowlist-requests";

export const dynamic = "force-dynamic";

// Approved entries: a partner's own organisation, per environment.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("allowlist:read", async ({ req, actor }) => {
    const q = queryOf(req);
    return NextResponse.json(await listAllowlistEntriesPage(actor, { environment: q.environment, ...pageOf(q) }));
  }),
});
