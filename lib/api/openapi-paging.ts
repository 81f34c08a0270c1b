// The keyset paging of the list operations (lib/db/keyset.ts), described once: each paged GET gets
// `limit`, `cursor` and `before`, and its answer `nextCursor` and `prevCursor`.

/** Paged list operations: path → page size bounds (as in each service's schema). */
export const PAGED_LISTS: Record<string, { max: number; default: number }> = {
  "/api/v1/certificates": { max: 1000, default: 200 },
  "/api/v1/certificate-requests": { max: 500, default: 200 },
  "/api/v1/ip-allowlist-requests": { max: 500, default: 200 },
  "/api/v1/ip-allowlist": { max: 1000, default: 500 },
  "/api/v1/users": { max: 1000, default: 200 },
  "/api/v1/organisations": { max: 1000, default: 200 },
  "/api/v1/partner/users": { max: 1000, default: 200 },
  "/api/v1/partner/tokens": { max: 1000, default: 200 },
  "/api/v1/server-chains": { max: 500, default: 200 },
  "/api/v1/jws-keys": { max: 500, default: 200 },
  "/api/v1/provider-csrs": { max: 500, default: 200 },
  "/api/v1/endpoints": { max: 1000, default: 500 },
  "/api/v1/exchange/{env}/probes": { max: 500, default: 50 },
  "/api/v1/provider-certificate-requests": { max: 500, default: 100 },
  "/api/v1/provider-jws-keys": { max: 500, default: 100 },
  "/api/v1/environments/{code}/provider-endpoints": { max: 500, default: 100 },
  "/api/v1/environments": { max: 1000, default: 200 },
};

type Op = { summary?: string; parameters?: { name?: string; in: string }[]; responses: Record<string, unknown> };

const CURSOR = { type: ["string", "null"], description: "Opaque; null at that end of the list." };

/** Adds the paging parameters and cursors to the document's paged list operations (in place) and returns it. */
export function withKeysetPaging<D extends { paths: Record<string, Record<string, unknown>> }>(doc: D): D {
  for (const [path, bounds] of Object.entries(PAGED_LISTS)) {
    const op = doc.paths[path]?.get as Op | undefined;
    if (!op) throw new Error(`openapi: no GET ${path} to page`);
    const params = (op.parameters ?? []).filter((p) => !(p.in === "query" && ["limit", "cursor", "before"].includes(p.name ?? "")));
    op.parameters = [
      ...params,
      { name: "limit", in: "query", required: false, description: `Page size, 1–${bounds.max} (default ${bounds.default}).`, schema: { type: "integer", minimum: 1, maximum: bounds.max, default: bounds.default } } as never,
      { name: "cursor", in: "query", required: false, description: "The page after the one that returned this nextCursor (opaque; a cursor of another list, or an edited one, is a 422 naming `cursor`).", schema: { type: "string", maxLength: 600 } } as never,
      { name: "before", in: "query", required: false, description: "The page before the one that returned this prevCursor (opaque; ignored with `cursor`).", schema: { type: "string", maxLength: 600 } } as never,
    ];
    const ok = op.responses["200"] as { description?: string; content?: Record<string, { schema?: { type?: string; properties?: Record<string, unknown> } }> } | undefined;
    const schema = ok?.content?.["application/json"]?.schema;
    if (schema?.type !== "object") throw new Error(`openapi: GET ${path} answers no object to add cursors to`);
    schema.properties ??= {};
    schema.properties.nextCursor = { ...CURSOR, description: "Pass as `cursor` for the next page; null on the last page." };
    schema.properties.prevCursor = { ...CURSOR, description: "Pass as `before` for the previous page; null on the first page." };
    ok!.description = `${ok!.description ?? ""} One page, ordered with the row id as the last tie-breaker; follow nextCursor until it is null to read the whole list.`.trim();
    const bad = "A `limit` out of bounds or not a whole number, or a `cursor`/`before` this list did not return (`fields` names it).";
    const invalid = op.responses["422"] as { description?: string } | undefined;
    if (invalid) invalid.description = `${invalid.description ?? ""} Or: ${bad}`.trim();
    else op.responses["422"] = { description: bad, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    op.summary = op.summary?.includes("one page at a time") ? op.summary : `${op.summary ?? ""} One page at a time (keyset: limit, cursor).`.trim();
  }
  return doc;
}
