import { NextResponse } from "next/server";
import { apiRoute, readJson, withApi } from "@/lib/api/handler";
import { uploadSignedCertificate } from "@/lib/services/provider-csrs/upload-signed-certificate";
import { uploadSignedCertificateSchema } from "@/lib/services/provider-csrs/schemas";

export const dynamic = "force-dynamic";

// The partner uploads the certificate its CA issued for the provider's CSR.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("provider-csr:sign", async ({ req, actor, params }) => NextResponse.json(await uploadSignedCertificate(actor, params.id, await readJson(req, uploadSignedCertificateSchema, 160 * 1024)))),
});
