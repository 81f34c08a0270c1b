import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { probeEndpoint } from "@/lib/services/endpoints/run-probe";

export const dynamic = "force-dynamic";

// Runs the readiness probe inline (bounded: at most ~20 s) and answers its classified result.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("probe:run", async ({ actor, params }) => NextResponse.json(await probeEndpoint(actor, params.id), { status: 201 })),
});
