// /api/v1 (and the public CRL, CA and JWKS files) served by the Keyport server itself, in front of Next.js, for calls without a cookie (a
// bearer token, or none for the public CRLs, CA files and JWKS): the same route modules
// (app/api/v1/**/route.ts, each wrapped by lib/api/handler.ts withApi/publicApi, and
// app/crl, app/ca, app/.well-known/jwks), called with the same Request and the same route params,
// answered with the same headers (next.config.mjs's, for the path) — without Next.js's router,
// which cost about a third of such a call's CPU (README, Performance).
//
// Anything this does not recognise exactly goes to Next.js unchanged: a request with a cookie (a
// browser session: lib/api/optional-actor.ts reads it through next/headers), a path that Next.js
// would normalise or redirect (a trailing slash, an empty or dot segment, a backslash, a bad
// percent-encoding), a path no route file matches (the catch-all's 404), a method the route file
// does not export. Development mode (hot reload) always uses Next.js.
import { readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { contentSecurityPolicy, createNonce, servedOverHttps, strictTransportSecurity } from "@/lib/http/security-headers";
import type { StaticHeaders } from "./health";

type Segment = { kind: "static"; name: string } | { kind: "param"; name: string } | { kind: "rest"; name: string };
type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type RouteModule = Partial<Record<string, RouteHandler>>;
export type ApiRoute = { template: string; segments: Segment[]; file: string };
export type ApiMatch = { route: ApiRoute; params: Record<string, string | string[]> };

function segmentOf(dir: string): Segment {
  const rest = /^\[\.\.\.([A-Za-z_][A-Za-z0-9_]*)\]$/.exec(dir);
  if (rest) return { kind: "rest", name: rest[1] };
  const param = /^\[([A-Za-z_][A-Za-z0-9_]*)\]$/.exec(dir);
  if (param) return { kind: "param", name: param[1] };
  return { kind: "static", name: dir };
}

/**
 * The folders served directly: the API, and the public files relying parties fetch without a
 * session (CRLs, CA certificates, JWKS), whose handlers read only the Request (lib/api/optional-actor.ts).
 */
export const DIRECT_ROOTS = ["api/v1", "crl", "ca", ".well-known/jwks"] as const;

/** Every route.ts under those folders of app/, as Next.js's file-system router sees them. */
export function scanApiRoutes(appDir = path.join(process.cwd(), "app"), roots: readonly string[] = DIRECT_ROOTS): ApiRoute[] {
  const routes: ApiRoute[] = [];
  const walk = (dir: string, segments: Segment[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        // Route groups "(x)", private "_x" and parallel "@x" folders change the URL; these folders have
        // none, and a route under one is left to Next.js rather than guessed at.
        if (/^[(_@]/.test(entry.name)) continue;
        walk(path.join(dir, entry.name), [...segments, segmentOf(entry.name)]);
      } else if (entry.name === "route.ts") {
        routes.push({ template: segments.map((s) => (s.kind === "static" ? `/${s.name}` : s.kind === "param" ? `/[${s.name}]` : `/[...${s.name}]`)).join(""), segments, file: path.join(dir, entry.name) });
      }
    }
  };
  for (const root of roots) walk(path.join(appDir, ...root.split("/")), root.split("/").map((name) => ({ kind: "static", name })));
  return routes;
}

const PREFIXES = DIRECT_ROOTS.map((r) => `/${r}/`);

/**
 * The route for a request path, with its params decoded as Next.js decodes them, or null for
 * anything to leave to Next.js. Static segments win over a param, a param over a catch-all (which
 * is never matched here: Next.js answers unknown paths).
 */
export function matchApiRoute(routes: ApiRoute[], pathname: string): ApiMatch | null {
  if (!PREFIXES.some((p) => pathname.startsWith(p)) || /[\\#]/.test(pathname)) return null;
  const raw = pathname.slice(1).split("/");
  const parts: string[] = [];
  for (const part of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return null;
    }
    // Empty and dot segments, also percent-encoded ones (the WHATWG URL parser resolves "%2e%2e"),
    // are Next.js's to normalise or redirect.
    if (decoded === "" || decoded === "." || decoded === "..") return null;
    parts.push(decoded);
  }
  let best: { route: ApiRoute; score: string } | null = null;
  for (const route of routes) {
    if (route.segments.length !== parts.length || route.segments.some((s) => s.kind === "rest")) continue;
    let score = "";
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const s = route.segments[i];
      // A static segment matches only as written: Next.js matches the encoded path, so "%6Bey" is no "key".
      if (s.kind === "static") ok = s.name === raw[i];
      score += s.kind === "static" ? "0" : "1";
    }
    if (!ok) continue;
    // The first segment that differs decides (static before param), as in Next.js.
    if (!best || score < best.score) best = { route, score };
  }
  if (!best) return null;
  const params: Record<string, string> = {};
  best.route.segments.forEach((s, i) => {
    if (s.kind === "param") params[s.name] = parts[i];
  });
  return { route: best.route, params };
}

/** True when a request path's percent-encoding does not decode (Next.js answers such a path with a 500). */
export function hasBadPercentEncoding(url: string): boolean {
  const q = url.indexOf("?");
  const pathname = q < 0 ? url : url.slice(0, q);
  if (!pathname.includes("%")) return false;
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/** The answer to such a path: 400, in the API's error shape under /api. */
export function refuseBadPercentEncoding(url: string, res: ServerResponse, headers: StaticHeaders): void {
  for (const [name, value] of headers) res.setHeader(name, value);
  const hsts = strictTransportSecurity();
  if (hsts) res.setHeader("strict-transport-security", hsts);
  const message = "The request path is not valid percent-encoding (RFC 3986 §2.1).";
  const api = url.startsWith("/api/");
  const body = api ? JSON.stringify({ error: { code: "bad_request", message } }) : `${message}\n`;
  res.writeHead(400, { "content-type": api ? "application/json" : "text/plain; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export type DirectApi = {
  /** Serves the request and returns true, or returns false without touching it (Next.js then serves it). */
  serve(req: IncomingMessage, res: ServerResponse): Promise<boolean> | false;
};

type Options = { routes?: ApiRoute[]; headersFor: (template: string) => Promise<StaticHeaders>; hostname: string; port: number };

export function createDirectApi(opts: Options): DirectApi {
  const routes = opts.routes ?? scanApiRoutes();
  const modules = new Map<string, Promise<RouteModule>>();
  const headers = new Map<string, Promise<StaticHeaders>>();
  // Both caches hold one entry per route at most; a failure is not kept (the next request tries again).
  const cached = <T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>) => {
    let p = map.get(key);
    if (!p) {
      p = make();
      p.catch(() => map.get(key) === p && map.delete(key));
      map.set(key, p);
    }
    return p;
  };
  // Next.js's request URL: its configured hostname and port, not the client's Host header.
  const origin = `${/:/.test(opts.hostname) ? `[${opts.hostname}]` : opts.hostname}:${opts.port}`;
  return {
    serve(req, res) {
      const url = req.url ?? "/";
      if (req.headers.cookie !== undefined || !PREFIXES.some((p) => url.startsWith(p))) return false;
      const q = url.indexOf("?");
      const match = matchApiRoute(routes, q < 0 ? url : url.slice(0, q));
      if (!match) return false;
      return (async () => {
        const mod = await cached(modules, match.route.file, () => import(pathToFileURL(match.route.file).href) as Promise<RouteModule>);
        const handler = mod[req.method ?? ""];
        if (typeof handler !== "function") return false;
        const staticHeaders = await cached(headers, match.route.template, () => opts.headersFor(match.route.template));
        await answer(req, res, handler, match, staticHeaders, origin, opts.port);
        return true;
      })();
    },
  };
}

// Response headers Next.js takes from a route's answer by appending (send-response.js), and those it
// drops (they would contradict its own framing).
const MULTIPLE = new Set(["set-cookie", "www-authenticate", "proxy-authenticate", "vary"]);
const FRAMING = new Set(["content-length", "content-encoding", "transfer-encoding"]);

async function answer(req: IncomingMessage, res: ServerResponse, handler: RouteHandler, { route: { template }, params }: ApiMatch, staticHeaders: StaticHeaders, origin: string, port: number): Promise<void> {
  // The x-forwarded-* headers Next.js's base server adds when a request has none, so the handler
  // sees what it would see behind Next.js (lib/auth/client-ip.ts reads the stamped peer, not these).
  const encrypted = Boolean((req.socket as { encrypted?: boolean }).encrypted);
  const forwardedProto = req.headers["x-forwarded-proto"];
  req.headers["x-forwarded-host"] ??= req.headers.host ?? "localhost";
  req.headers["x-forwarded-port"] ??= String(port);
  req.headers["x-forwarded-proto"] ??= (typeof forwardedProto === "string" ? forwardedProto === "https" : encrypted) ? "https" : "http";
  if (req.headers["x-forwarded-for"] === undefined && req.socket.remoteAddress) req.headers["x-forwarded-for"] = req.socket.remoteAddress;
  const requestHeaders = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) requestHeaders.append(name, v);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  // Aborted when the client goes away before the answer is out, as Next.js wires request.signal.
  const aborted = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) aborted.abort();
  };
  res.once("close", onClose);
  const protocol = String(req.headers["x-forwarded-proto"]).includes("https") ? "https" : "http";
  const request = new Request(`${protocol}://${origin}${req.url}`, {
    method,
    headers: requestHeaders,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
    signal: aborted.signal,
  } as RequestInit);
  if (!hasBody) req.resume(); // a body nobody reads is dropped, so the connection stays usable
  const response = await handler(request, { params: Promise.resolve(params) });
  // next.config.mjs's headers, and outside /api those proxy.ts gives every answer (a fresh page CSP,
  // HSTS over https); then the handler's, which — as in Next.js — do not replace one already set.
  for (const [name, value] of staticHeaders) res.setHeader(name, value);
  if (!template.startsWith("/api/")) {
    res.setHeader("content-security-policy", contentSecurityPolicy({ nonce: createNonce(), dev: false, https: servedOverHttps() }));
    const hsts = strictTransportSecurity();
    if (hsts) res.setHeader("strict-transport-security", hsts);
  }
  response.headers.forEach((value, name) => {
    if (name === "set-cookie" || FRAMING.has(name)) return;
    if (MULTIPLE.has(name) || res.getHeader(name) === undefined) res.appendHeader(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) res.appendHeader("set-cookie", cookie);
  res.statusCode = response.status;
  // A body the handler did not read to its end (refused as too large, say) is never read: the
  // connection closes after this answer, so its next request cannot be taken from that body.
  if (hasBody && !req.complete) res.setHeader("connection", "close");
  // Compressed as Next.js compresses (its `compress` default): text and JSON, when the client prefers gzip.
  const compressible = COMPRESSIBLE.test(response.headers.get("content-type") ?? "");
  if (compressible) res.setHeader("vary", varyWith(res.getHeader("vary"), "Accept-Encoding"));
  if (!response.body || method === "HEAD") {
    await response.body?.cancel().catch(() => {});
    res.end();
    return;
  }
  const coding = compressible ? negotiateEncoding(req.headers["accept-encoding"]) : null;
  const reader = response.body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  res.once("close", cancel);
  try {
    // An answer in one piece (JSON, a PEM, a CRL) goes out in one write with its length: one
    // segment for the client to wake up for, not a chunked body and its last chunk in two.
    const first = await reader.read();
    const second = first.done ? first : await reader.read();
    if (second.done) {
      const bytes = first.done ? Buffer.alloc(0) : Buffer.from(first.value.buffer, first.value.byteOffset, first.value.byteLength);
      const body = coding === "gzip" ? await gzipped(bytes) : coding === "deflate" ? await deflated(bytes) : bytes;
      if (coding) res.setHeader("content-encoding", coding);
      res.setHeader("content-length", body.length);
      res.end(body);
      return;
    }
    let out: NodeJS.WritableStream = res;
    if (coding) {
      res.setHeader("content-encoding", coding);
      const z = coding === "gzip" ? zlib.createGzip() : zlib.createDeflate();
      z.pipe(res);
      res.once("close", () => z.destroy());
      out = z;
    }
    const write = async (chunk: Uint8Array) => {
      if (res.destroyed || out.write(chunk)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off("drain", done);
          res.off("close", done);
          resolve();
        };
        out.once("drain", done);
        res.once("close", done);
      });
    };
    await write(first.value!);
    await write(second.value);
    while (!res.destroyed) {
      const { done, value } = await reader.read();
      if (done) break;
      await write(value);
    }
    out.end();
  } catch (e) {
    res.destroy(); // the body failed part-way: the client must not take what it got for all of it
    throw e;
  } finally {
    res.off("close", cancel);
  }
}

const gzipped = promisify(zlib.gzip);
const deflated = promisify(zlib.deflate);

const COMPRESSIBLE = /^\s*(text\/|application\/(json|xml|javascript|problem\+json|[a-z0-9.+-]+\+(json|xml))\s*(;|$))/i;

type Coding = "gzip" | "deflate";
const CODINGS = ["gzip", "deflate", "identity"] as const;

/**
 * The content coding to answer with, as Next.js's compression negotiates it (RFC 9110 §12.5.3,
 * the `negotiator` rules): among gzip, deflate and identity, the highest quality above 0, then an
 * exact name before "*", then that order; identity, when the header names neither it nor "*", at the
 * lowest quality the header gives. Null: as it is.
 */
export function negotiateEncoding(header: string | string[] | undefined): Coding | null {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  const q = new Map<string, number>();
  for (const item of value.split(",")) {
    const [coding, ...params] = item.trim().toLowerCase().split(";");
    if (!coding?.trim()) continue;
    const given = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const quality = given ? Number(given.slice(2)) : 1;
    q.set(coding.trim() === "x-gzip" ? "gzip" : coding.trim(), Number.isFinite(quality) ? quality : 0);
  }
  const lowest = q.size ? Math.min(...q.values()) : 1;
  let best: { coding: (typeof CODINGS)[number]; q: number; s: number } | null = null;
  for (const coding of CODINGS) {
    const exact = q.get(coding);
    const [quality, s] = exact !== undefined ? [exact, 2] : q.has("*") ? [q.get("*")!, 1] : coding === "identity" ? [lowest, 0] : [0, 0];
    if (quality > 0 && (!best || quality > best.q || (quality === best.q && s > best.s))) best = { coding, q: quality, s };
  }
  return best && best.coding !== "identity" ? best.coding : null;
}

function varyWith(current: ReturnType<ServerResponse["getHeader"]>, name: string): string {
  const list = (Array.isArray(current) ? current.join(",") : String(current ?? "")).split(",").map((v) => v.trim()).filter(Boolean);
  return list.some((v) => v.toLowerCase() === name.toLowerCase() || v === "*") ? list.join(", ") : [...list, name].join(", ");
}
