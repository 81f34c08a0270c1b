import { NextResponse } from "next/server";
import { apiRoute, publicApi } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/api/openapi";
import { publicUrl } from "@/lib/ca/authority";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: publicApi(async () => NextResponse.json(openApiDocument(publicUrl()))),
});
