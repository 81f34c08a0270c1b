import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/handler";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";

export const dynamic = "force-dynamic";

export const POST = withApi<{ id: string }>("certificate:revoke", async ({ req, actor, params }) =>
  NextResponse.json(await revokeCertificate(actor, params.id, (await readJson(req)) as never)),
);
