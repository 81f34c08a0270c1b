import { NextResponse } from "next/server";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/actor";
import { type Permission, scopeOf } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { authenticateApiToken } from "@/lib/services/tokens/authenticate-token";
import { AppError, asAppError, logUnexpected } from "@/lib/errors";
import { RateLimitedError, apiRateLimits } from "@/lib/api/rate-limit";
import { strictTransportSecurity } from "@/lib/http/security-headers";
import { carriesCredentials } from "@/lib/api/optional-actor";
import { controlCharacterMessage, findControlCharacter, printable } from "@/lib/control-characters";
import type { z } from "zod";
import { controlCharacterErrors, refuseUnknownFields } from "@/lib/validation";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "@/lib/json-syntax";
import { concat } from "@/lib/pki/cert/der";

type RouteContext<P> = { params: Promise<P> };
type RouteHandler<P> = (req: Request, ctx: RouteContext<P>) => Promise<Response>;
type Handler<P> = (args: { req: Request; actor: Actor; params: P }) => Promise<Response>;

/** What guards each /api/v1 handler: the permission withApi checks, or "public" (publicApi). Read by lib/auth/authorization-matrix.test.ts. */
const GUARDS = new WeakMap<object, Permission | "public">();
export function guardOf(handler: unknown): Permission | "public" | undefined {
  return typeof handler === "function" ? GUARDS.get(handler) : undefined;
}
function guarded<F extends object>(guard: Permission | "public", handler: F): F {
  GUARDS.set(handler, guard);
  return handler;
}

/**
 * Headers of every API answer that depend on the request or the deployment (the static ones,
 * CSP `default-src 'none'` among them, are in next.config.mjs): `no-store` for an answer that
 * depends on who asked (RFC 9111 §5.2.2.5), and HSTS when the portal is served over HTTPS.
 */
function finish(res: Response, { noStore }: { noStore: boolean }): Response {
  const hsts = strictTransportSecurity();
  let out = res;
  const set = (name: string, value: string) => {
    try {
      out.headers.set(name, value);
    } catch {
      // Immutable headers (a fetched Response): copy once, then set.
      out = new Response(out.body, { status: out.status, statusText: out.statusText, headers: new Headers(out.headers) });
      out.headers.set(name, value);
    }
  };
  if (noStore) set("cache-control", "no-store");
  if (hsts) set("strict-transport-security", hsts);
  return out;
}

/** An error in the API's shape. Never cached; a 429 says when to come back (Retry-After, RFC 6585 §4). */
export function errorResponse(error: unknown, where: string): Response {
  const e = asAppError(error);
  if (e instanceof AppError) {
    const body: Record<string, unknown> = { error: { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) } };
    if (e.extra) Object.assign(body, e.extra);
    const res = NextResponse.json(body, { status: e.status });
    if (e instanceof RateLimitedError) res.headers.set("retry-after", String(e.retryAfterS));
    return finish(res, { noStore: true });
  }
  const ref = logUnexpected(e, where);
  return finish(NextResponse.json({ error: { code: "internal", message: `Something went wrong (ref ${ref}).` } }, { status: 500 }), { noStore: true });
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

/**
 * Every HTTP method of an /api/v1 route file: `export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({ GET: … })`.
 * A method the route does not implement answers 405 in the API's error shape with an Allow header
 * (RFC 9110 §15.5.6; Next.js alone answers an empty 405 without one); OPTIONS answers 204 with the
 * same Allow; HEAD is GET's (the server drops the body).
 */
export function apiRoute<P>(handlers: Partial<Record<Method, RouteHandler<P>>>): Record<Method | "HEAD" | "OPTIONS", RouteHandler<P>> {
  const implemented = METHODS.filter((m) => handlers[m]);
  const allow = [...implemented, ...(handlers.GET ? ["HEAD"] : []), "OPTIONS"].sort().join(", ");
  const notAllowed: RouteHandler<P> = async (req) => {
    const path = new URL(req.url).pathname;
    const res = errorResponse(new AppError("method_not_allowed", `${printable(req.method, 16)} is not supported on ${printable(path, 200)}; use ${allow}.`), `${req.method} ${path}`);
    res.headers.set("allow", allow);
    return res;
  };
  const options: RouteHandler<P> = async () => finish(new Response(null, { status: 204, headers: { allow } }), { noStore: false });
  const route = Object.fromEntries(METHODS.map((m) => [m, handlers[m] ?? notAllowed])) as Record<Method, RouteHandler<P>>;
  return { ...route, HEAD: handlers.GET ?? notAllowed, OPTIONS: options };
}

/** A path segment with a control character names nothing that exists (ids are UUIDs, codes are [A-Z0-9-]). */
function checkedParams<P>(params: P, req: Request): P {
  for (const [name, value] of Object.entries(params ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === "string" && findControlCharacter(v))) {
      throw new AppError("not_found", `No API object at ${printable(new URL(req.url).pathname, 200)}: the ${name} in the path contains a control character.`);
    }
  }
  return params;
}

/**
 * The one wrapper for /api/v1 route handlers: authenticate the bearer token, count the call
 * against the rate limits (lib/api/rate-limit.ts: per token and per address, or per address for a
 * failed authentication; 429 with Retry-After past a limit), check the permission from the table,
 * map every error to `{ error: { code, message } }`. Every answer is `Cache-Control: no-store`.
 */
export function withApi<P = Record<string, string>>(permission: Permission, handler: Handler<P>) {
  return guarded(permission, async (req: Request, ctx: RouteContext<P>): Promise<Response> => {
    try {
      const ip = clientIpFrom((n) => req.headers.get(n));
      const limits = apiRateLimits();
      let auth: Awaited<ReturnType<typeof authenticateApiToken>>;
      try {
        auth = await authenticateApiToken(req.headers.get("authorization"), ip);
      } catch (e) {
        if (e instanceof AppError && e.code === "unauthenticated") await limits.countFailedAuthentication(ip);
        throw e;
      }
      await limits.countAuthenticatedCall(auth.tokenId, ip);
      authorize(auth.actor, permission);
      // The token's scopes narrow its user's role (lib/auth/permissions.ts scopeOf).
      const scope = scopeOf(permission);
      if (!auth.scopes.includes(scope)) throw new AppError("forbidden", `This API token lacks the "${scope}" scope this call needs (it has: ${auth.scopes.join(", ") || "none"}).`);
      return finish(await handler({ req, actor: auth.actor, params: checkedParams(await ctx.params, req) }), { noStore: true });
    } catch (e) {
      return errorResponse(e, `${req.method} ${new URL(req.url).pathname}`);
    }
  });
}

const tooLarge = (maxBytes: number) => new AppError("too_large", `The request body is larger than ${maxBytes} bytes.`);

/**
 * The body's bytes, never more than maxBytes of them: a declared Content-Length above the limit is
 * refused before reading, and a chunked (or understated) body is read as a stream and dropped as soon
 * as it passes the limit, so an oversize upload costs at most maxBytes of memory.
 */
export async function readBody(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concat(chunks);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> {
  let body: unknown;
  try {
    // RFC 8259 §8.1: JSON text exchanged between systems is UTF-8.
    body = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON (UTF-8).");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("bad_request", "The request body must be a JSON object.");
  }
  // JSON.parse reads any depth; JSON.stringify, recursive walks and PostgreSQL's json parser do not.
  if (nestedDeeperThan(body)) throw new AppError("bad_request", `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  // No field anywhere may hold U+0000, another control character or an unpaired surrogate (tab and
  // line breaks may stay here; the service's schema refuses them in single-line fields).
  const controls = controlCharacterErrors(body, () => true);
  if (Object.keys(controls).length) throw new AppError("validation_failed", [...new Set(Object.values(controls))].join(" "), controls);
  return body as Record<string, unknown>;
}

/**
 * Read a JSON body: 413 above maxBytes (read no further than that), 400 when it is not a JSON
 * object, 422 naming every field `schema` (the body's zod schema) does not know, at any depth —
 * every /api/v1 body is strict here, in one place, so a misspelt or unsupported field is never
 * silently dropped. The service still parses the body with its own schema.
 */
export async function readJson(req: Request, schema: z.ZodType, maxBytes = 64 * 1024): Promise<Record<string, unknown>> {
  const body = parseJsonObject(await readBody(req, maxBytes));
  refuseUnknownFields(schema, body);
  return body;
}

/** A file download: bytes or text, with an attachment filename. */
export function fileResponse(file: { body: Uint8Array | string | ReadableStream<Uint8Array>; contentType: string; filename: string; headers?: Record<string, string> }, cache = "no-store"): Response {
  const body = typeof file.body === "string" || file.body instanceof ReadableStream ? file.body : Buffer.from(file.body);
  return new Response(body, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "cache-control": cache,
      "x-content-type-options": "nosniff",
      ...file.headers,
    },
  });
}

/** Query parameters as a plain object (first value of each); a control character in any is a 422 naming it. */
/** The paging parameters of a list route (lib/db/keyset.ts): limit, cursor (nextCursor) and before (prevCursor). */
export function pageOf(query: Record<string, string>): { limit?: string; cursor?: string; before?: string } {
  return { limit: query.limit, cursor: query.cursor, before: query.before };
}

export function queryOf(req: Request): Record<string, string> {
  const query: Record<string, string> = {};
  const fields: Record<string, string> = {};
  for (const [name, value] of new URL(req.url).searchParams.entries()) {
    const found = findControlCharacter(value);
    if (found) fields[name] ??= controlCharacterMessage(`The query parameter ${printable(name)}`, found);
    query[name] ??= value;
  }
  if (Object.keys(fields).length) throw new AppError("validation_failed", Object.values(fields).join(" "), fields);
  return query;
}

/**
 * Public route (no token needed): same error mapping as withApi. Its answer may be cached as the
 * route says, unless the request carried credentials: then it is `no-store` like any
 * authenticated answer (and a cache would skip the download's audit row).
 */
export function publicApi<P = Record<string, string>>(handler: (args: { req: Request; params: P }) => Promise<Response>) {
  return guarded("public", async (req: Request, ctx: RouteContext<P>): Promise<Response> => {
    try {
      return finish(await handler({ req, params: checkedParams(await ctx.params, req) }), { noStore: carriesCredentials(req) });
    } catch (e) {
      return errorResponse(e, `${req.method} ${new URL(req.url).pathname}`);
    }
  });
}

/** A JSON body that may be empty (e.g. an approval without a comment); strict as readJson. */
export async function readOptionalJson(req: Request, schema: z.ZodType, maxBytes = 64 * 1024): Promise<Record<string, unknown>> {
  const bytes = await readBody(req, maxBytes);
  if (!new TextDecoder().decode(bytes).trim()) return {};
  const body = parseJsonObject(bytes);
  refuseUnknownFields(schema, body);
  return body;
}
