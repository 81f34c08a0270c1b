import { publicApi } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";

// Unknown API paths answer in the API's error shape, not with an HTML 404 page (publicApi: they need no token).
const notFound = publicApi<{ unknown: string[] }>(async ({ req }) => {
  throw new AppError("not_found", `No API endpoint ${req.method} ${new URL(req.url).pathname}.`);
});
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
