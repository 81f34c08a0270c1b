// Next.js's documented instrumentation hook, used for one thing only: an error thrown while rendering
// a page, a route handler or a server action is logged as one structured line carrying the request
// id (X-Request-Id) and the digest the error page shows ("give your administrator this reference"),
// so either one finds the stack in the log. Nothing here patches Node or Next.js.
import type { Instrumentation } from "next";

export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  const { reportRenderError } = await import("@/lib/log/render-error");
  reportRenderError(error, request, context);
};
