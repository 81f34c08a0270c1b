import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { listAllowlistRequestsPage, submitAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { submitAllowlistSchema } from "@/lib/services/allowlist/allowlist-requests";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("allowlist:submit", async ({ req, actor }) => {
    const result = await submitAllowlistRequest(actor, (await readJson(req, submitAllowlistSchema)) as never);
    return NextResponse.json(result, { status: 201 });
  }),
  GET: withApi("allowlist:read", async ({ req, actor }) => {
    const q = queryOf(req);
    return NextResponse.json(await listAllowlistRequestsPage(actor, { status: q.status as never, environment: q.environment, organisation: q.organisation, ...pageOf(q) }));
  }),
});
