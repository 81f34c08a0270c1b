import { NextResponse } from "next/server";
import { apiRoute, queryOf, withApi } from "@/lib/api/handler";
import { listAllowlistEntries } from "@/lib/services/allowlist/allowlist-requests";

export const dynamic = "force-dynamic";

// Approved entries: a partner's own organisation, per environment.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("allowlist:read", async ({ req, actor }) => NextResponse.json({ entries: await listAllowlistEntries(actor, { environment: queryOf(req).environment }) })),
});
