import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { revokeSchema } from "@/lib/services/certificates/revoke-certificate";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("certificate:revoke", async ({ req, actor, params }) =>
    NextResponse.json(await revokeCertificate(actor, params.id, (await readJson(req, revokeSchema)) as never)),
  ),
});
