// The request being served, for log lines and error references: server.ts runs each request
// inside this store; Next.js route handlers, actions and services run within it. On globalThis,
// since Next.js bundles its own copy of this module beside server.ts's.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";

export type RequestContext = { requestId: string };

const shared = globalThis as { __keyportRequestContext?: AsyncLocalStorage<RequestContext> };
const storage = (shared.__keyportRequestContext ??= new AsyncLocalStorage<RequestContext>());

export const REQUEST_ID_HEADER = "x-request-id";
/** What we accept from a trusted proxy as a request id (anything else is replaced). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,64}$/;

export function newRequestId(): string {
  return randomBytes(8).toString("hex");
}

export function runWithRequest<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
