import { NextResponse } from "next/server";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function GET() {
  const started = Date.now();
  try {
    await getDb().$queryRaw`SELECT 1`;
    return NextResponse.json({ status: "ok", database: { status: "ok", latencyMs: Date.now() - started } });
  } catch {
    return NextResponse.json({ status: "degraded", database: { status: "unreachable" } }, { status: 503 });
  }
}
