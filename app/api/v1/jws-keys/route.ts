import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { uploadJwsKey } from "@/lib/services/jws-keys/upload-jws-key";
import { listJwsKeysPage } from "@/lib/services/jws-keys/read-jws-keys";
import { uploadJwsKeySchema } from "@/lib/services/jws-keys/schemas";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("jws-key:submit", async ({ req, actor }) => NextResponse.json(await uploadJwsKey(actor, await readJson(req, uploadJwsKeySchema, 80 * 1024)), { status: 201 })),
  GET: withApi("jws-key:read", async ({ req, actor }) => {
    const q = queryOf(req);
    return NextResponse.json(await listJwsKeysPage(actor, { environment: q.environment, organisation: q.organisation, status: q.status, ...pageOf(q) }));
  }),
});
