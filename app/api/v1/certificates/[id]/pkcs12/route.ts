import { apiRoute, fileResponse, readJson, withApi } from "@/lib/api/handler";
import { downloadTruststore } from "@/lib/services/certificates/download-certificate";
import { truststoreSchema } from "@/lib/services/certificates/download-certificate";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("certificate:download", async ({ req, actor, params }) =>
    fileResponse(await downloadTruststore(actor, params.id, (await readJson(req, truststoreSchema)) as never)),
  ),
});
