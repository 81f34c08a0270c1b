import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, withApi } from "@/lib/api/handler";
import { listEnvironmentsPage } from "@/lib/services/environments/list-environments";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("environment:list", async ({ req, actor }) => {
    const page = await listEnvironmentsPage(actor, pageOf(queryOf(req)));
    return NextResponse.json({
      environments: page.environments.map((e) => ({ code: e.code, name: e.name, production: e.production, approvalsRequired: e.approvalsRequired })),
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
    });
  }),
});
