import { apiRoute, fileResponse, queryOf, withApi } from "@/lib/api/handler";
import { downloadCertificate } from "@/lib/services/certificates/download-certificate";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("certificate:download", async ({ req, actor, params }) =>
    fileResponse(await downloadCertificate(actor, params.id, queryOf(req).format ?? "pem")),
  ),
});
