// Where to go after signing in: only a path on the portal's own origin (no open redirect).
//
// A callback is resolved as a URL against the portal's origin, as the browser will resolve the
// Location header, and followed only when it lands on that origin. Browsers silently drop tab,
// CR and LF from URLs, so "/\t/evil.example/x" is "//evil.example/x" — another host — to them;
// such input, any other control or whitespace character, and backslashes (which browsers read as
// "/") are refused outright, as are "//host" and absolute URLs to other hosts. Pure.

// C0 and C1 controls, DEL, every Unicode space and invisible separator (incl. U+3000, U+FEFF), backslash.
const UNSAFE = /[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\\]/;
const MAX_LENGTH = 2048;

/** The same-origin path (with query and fragment) `raw` leads to, or null to fall back to the role's home. */
export function safeCallbackPath(raw: unknown, origin: string): string | null {
  if (typeof raw !== "string" || raw === "" || raw.length > MAX_LENGTH || UNSAFE.test(raw)) return null;
  let base: URL;
  let target: URL;
  try {
    base = new URL(origin);
    target = new URL(raw, base);
  } catch {
    return null;
  }
  if (target.origin !== base.origin) return null;
  const path = target.pathname + target.search + target.hash;
  // Defence in depth: what we hand on must itself read as a path on this origin.
  return path.startsWith("/") && !path.startsWith("//") ? path : null;
}

/** The portal's own origin: NEXTAUTH_URL's, else the one given (the request's host). */
export function portalOrigin(fallback = "http://localhost:3000"): string {
  try {
    return new URL(process.env.NEXTAUTH_URL ?? fallback).origin;
  } catch {
    return new URL(fallback).origin;
  }
}
