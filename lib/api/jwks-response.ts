import type { JwksDocument } from "@/lib/services/jws-keys/jwks";

/** True when If-None-Match names this ETag (RFC 9110 §13.1.2: a list, weak comparison, or "*"). */
function notModified(req: Request, etag: string): boolean {
  const header = req.headers.get("if-none-match");
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/** A JWK Set answer fit for polling: ETag, max-age up to the next retire date, 304 on If-None-Match. */
export function jwksResponse(req: Request, doc: JwksDocument, audience: "public" | "private"): Response {
  const headers = {
    etag: doc.etag,
    "cache-control": `${audience}, max-age=${doc.maxAge}, must-revalidate`,
    ...(audience === "private" ? { vary: "Authorization" } : {}),
  };
  if (notModified(req, doc.etag)) return new Response(null, { status: 304, headers });
  return new Response(doc.body, { headers: { ...headers, "content-type": "application/jwk-set+json" } });
}
