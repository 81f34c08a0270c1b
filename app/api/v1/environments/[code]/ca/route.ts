import { fileResponse, publicApi, queryOf } from "@/lib/api/handler";
import { caChainFile } from "@/lib/services/ca/ca-chain";

export const dynamic = "force-dynamic";

// Public, no token: CA certificates are public (RFC 5280 §4.2.2.1).
export const GET = publicApi<{ code: string }>(async ({ req, params }) => fileResponse(await caChainFile(params.code, queryOf(req).format ?? "pem"), "public, max-age=300"));
