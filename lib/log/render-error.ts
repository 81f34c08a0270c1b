// One log line per error Next.js reports while rendering (instrumentation.ts's onRequestError):
// the request id, the digest shown on the error page, where it happened, and the stack — never the
// request's headers or body (cookies and tokens stay out of the log).
import { log } from "@/lib/log/logger";
import { REQUEST_ID_HEADER, REQUEST_ID_PATTERN, currentRequestId } from "@/lib/log/request-context";

type Reported = { path: string; method: string; headers: Record<string, string | string[] | undefined> };
type Context = { routerKind: string; routePath: string; routeType: string };

export function reportRenderError(error: unknown, request: Reported, context: Context): void {
  const header = request.headers[REQUEST_ID_HEADER];
  const fromHeader = typeof header === "string" && REQUEST_ID_PATTERN.test(header) ? header : undefined;
  const requestId = currentRequestId() ?? fromHeader;
  const e = error instanceof Error ? (error as Error & { digest?: string }) : null;
  const digest = e?.digest;
  log("render").error(
    {
      ...(requestId ? { ref: requestId } : {}),
      ...(digest ? { digest } : {}),
      method: request.method,
      path: request.path.split("?")[0].slice(0, 200),
      route: context.routePath,
      routeType: context.routeType,
      err: e ? { name: e.name, message: e.message, stack: e.stack } : String(error),
    },
    `unexpected error rendering ${context.routePath} (ref ${requestId ?? "-"}, digest ${digest ?? "-"})`,
  );
}
