import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

/** Liveness: the process serves requests (no database call: a database outage must not restart every instance). */
export function GET() {
  return NextResponse.json({ status: "live" }, { headers: { "cache-control": "no-store" } });
}
