import { apiRoute, fileResponse, withApi } from "@/lib/api/handler";
import { providerCsrFile } from "@/lib/services/provider-csrs/read-provider-csrs";

export const dynamic = "force-dynamic";

// The CSR (PEM, application/pkcs10) for the partner to sign with its CA.
export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi<{ id: string }>("provider-csr:read", async ({ actor, params }) => fileResponse(await providerCsrFile(actor, params.id))),
});
