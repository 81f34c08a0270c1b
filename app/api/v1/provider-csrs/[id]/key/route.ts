import { apiRoute, fileResponse, readJson, withApi } from "@/lib/api/handler";
import { downloadProviderCsrKeyOnce } from "@/lib/services/provider-csrs/download-provider-csr-key";
import { z } from "zod";

// The fields this route reads (the service validates their values).
const bodySchema = z.object({ password: z.unknown() });

export const dynamic = "force-dynamic";

// The one download of a Keyport-generated key (PKCS#12 with the partner-signed certificate); the password in the body, never in a URL.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  POST: withApi<{ id: string }>("provider-key:download", async ({ req, actor, params }) => fileResponse(await downloadProviderCsrKeyOnce(actor, params.id, await readJson(req, bodySchema)))),
});
