import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { listEnvironments } from "@/lib/services/environments/list-environments";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("environment:list", async ({ actor }) => {
    const envs = await listEnvironments(actor);
    return NextResponse.json({
      environments: envs.map((e) => ({ code: e.code, name: e.name, production: e.production, approvalsRequired: e.approvalsRequired })),
    });
  }),
});
