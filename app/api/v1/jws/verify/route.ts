import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { verifyJwsSignature } from "@/lib/services/jws-keys/verify-jws";
import { verifyJwsSchema } from "@/lib/services/jws-keys/schemas";

export const dynamic = "force-dynamic";

// 200 whether or not the signature verifies: the answer says which, and why not.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi("jws:verify", async ({ req, actor }) => NextResponse.json(await verifyJwsSignature(actor, await readJson(req, verifyJwsSchema, 160 * 1024)))),
});
