import { NextResponse } from "next/server";
import { checkReadiness } from "@/lib/services/health/readiness";

export const dynamic = "force-dynamic";

/** Readiness (orchestrators, load balancers): 200 when this instance can serve, 503 with the reason otherwise. */
export async function GET() {
  const r = await checkReadiness();
  return NextResponse.json({ status: r.ready ? "ready" : "not_ready", ...r }, { status: r.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
