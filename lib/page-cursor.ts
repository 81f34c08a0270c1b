// For pages that list one keyset page at a time (lib/db/keyset.ts): the cursor of the URL, and
// what to do with a cursor that is not the list's.
import { AppError } from "@/lib/errors";

/** The cursor parameters of a page's URL (`prefix` for a page with several lists: "users" → usersCursor, usersBefore). */
export function cursorParams(sp: Record<string, string | string[] | undefined>, prefix = ""): { cursor?: string; before?: string } {
  const one = (name: string) => {
    const v = sp[prefix ? `${prefix}${name[0].toUpperCase()}${name.slice(1)}` : name];
    return (Array.isArray(v) ? v[0] : v) || undefined;
  };
  return { cursor: one("cursor"), before: one("before") };
}

/**
 * For pages: a cursor that is not the list's (an old bookmark, a hand-edited URL) shows the first
 * page instead of an error page. The API answers 422 for the same cursor.
 */
export async function orFirstPage<T>(at: { cursor?: string; before?: string }, read: (at: { cursor?: string; before?: string }) => Promise<T>): Promise<T> {
  try {
    return await read(at);
  } catch (e) {
    if (e instanceof AppError && e.code === "validation_failed" && e.fields && ("cursor" in e.fields || "before" in e.fields)) return read({});
    throw e;
  }
}

/** Whether a list's cursor parameters ask for a page other than the first (its Pager then shows First page). */
export function isPaged(at: { cursor?: string; before?: string }): boolean {
  return !!(at.cursor || at.before);
}
