// The request-body ceiling of everything behind proxy.ts: server actions and the route handlers
// under the page areas. Next.js's own server-action limit (serverActions.bodySizeLimit, default
// "1mb" = 1 MiB) answers 500 when a body passes it; proxy.ts refuses such a body first with 413.

/** Next.js's default serverActions.bodySizeLimit ("1mb", parsed by the `bytes` package as 1024²). */
export const PAGE_BODY_LIMIT = 1024 * 1024;

/**
 * What the client reads when its body is refused. A fetch-driven server action shows a
 * text/plain error body as the error's message (Next.js's server-action reducer checks the
 * content type exactly), so the message says what to do.
 */
export function bodyTooLargeMessage(limit = PAGE_BODY_LIMIT): string {
  return `The request body is larger than ${limit / (1024 * 1024)} MiB, the limit for forms on this portal. Upload a smaller file (a CSR or certificate is a few kilobytes).`;
}

/** A Content-Length over the limit (a malformed one is left to the HTTP parser, which refuses it). */
export function declaredTooLarge(contentLength: string | null, limit = PAGE_BODY_LIMIT): boolean {
  if (contentLength === null || !/^\d+$/.test(contentLength.trim())) return false;
  return Number(contentLength) > limit;
}

/**
 * Read a body without a Content-Length (chunked) only far enough to know whether it passes the
 * limit: chunks are counted and dropped, never joined, so this holds no more than one chunk.
 * True when the body is larger than the limit.
 */
export async function streamedTooLarge(body: ReadableStream<Uint8Array> | null, limit = PAGE_BODY_LIMIT): Promise<boolean> {
  if (!body) return false;
  const reader = body.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return false;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return true;
    }
  }
}
