import Link from "next/link";

/**
 * First / Previous / Next links of a keyset-paged list (lib/db/keyset.ts): each carries the page's
 * filters and a cursor (cursor = after the last row shown, before = ahead of the first).
 */
export function Pager({
  params,
  nextCursor,
  prevCursor,
  paged,
  label = "Pages",
  prefix = "",
}: {
  /** The list's filters as they are in the URL (blank ones are left out). */
  params: Record<string, string | undefined>;
  nextCursor: string | null;
  prevCursor?: string | null;
  /** Whether this is not the first page (a cursor or before was given). */
  paged: boolean;
  label?: string;
  /** For a page with two lists: the prefix of this list's cursor parameters ("requests" → requestsCursor). */
  prefix?: string;
}) {
  const name = (p: "cursor" | "before") => (prefix ? `${prefix}${p[0].toUpperCase()}${p.slice(1)}` : p);
  const mine = new Set([name("cursor"), name("before")]);
  const base = Object.entries(params).filter((e): e is [string, string] => !!e[1] && !mine.has(e[0]));
  const href = (extra: [string, string][]) => `?${new URLSearchParams([...base, ...extra])}`;
  if (!paged && !nextCursor) return null;
  return (
    <nav className="flex gap-3 text-sm" aria-label={label}>
      {paged ? (
        <Link className="text-sky-800 underline" href={href([])}>
          First page
        </Link>
      ) : null}
      {prevCursor ? (
        <Link className="text-sky-800 underline" href={href([[name("before"), prevCursor]])}>
          Previous
        </Link>
      ) : null}
      {nextCursor ? (
        <Link className="text-sky-800 underline" href={href([[name("cursor"), nextCursor]])}>
          Next page
        </Link>
      ) : null}
    </nav>
  );
}
