// The response headers that tell a browser what a Keyport page may do. Pure: no next, no env
// reads except through the arguments' defaults, so proxy.ts, lib/api and the tests share them.
//
// The static ones that hold for every response (X-Frame-Options, X-Content-Type-Options,
// Referrer-Policy, Permissions-Policy, and the API's CSP) are in next.config.mjs; the ones that
// depend on the request (the CSP nonce) or on the deployment at run time (HSTS, from
// NEXTAUTH_URL, which a container sets at start, not at build) are set here.

/**
 * A fresh CSP nonce: 128 random bits, base64 (CSP3 §2.3.1 nonce-source is base64-value).
 * Web Crypto, so it runs wherever proxy.ts runs.
 */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The Content-Security-Policy of every page (proxy.ts). The new-request page makes private
 * keys in the browser, so no script runs unless the server named it for this response:
 * - script-src: the nonce, and 'strict-dynamic' so the scripts Next.js's nonce'd runtime loads
 *   (its chunks) run too; 'self' is only a fallback for CSP2 browsers, which ignore
 *   'strict-dynamic' (a CSP3 browser ignores 'self' next to it). No 'unsafe-inline', no
 *   'unsafe-eval' (React and Next.js need eval only in development, to rebuild server stacks;
 *   WebCrypto and pkijs need none), no other origin.
 * - style-src: the Tailwind stylesheet file ('self') and the nonce for any <style> Next.js
 *   inlines. No component renders a style="" attribute (React's style prop set on the client goes
 *   through the CSSOM, which CSP does not govern). In development the dev server injects styles
 *   without a nonce, so it gets 'unsafe-inline' instead (a nonce would cancel it: CSP3 §6.6.3.3).
 * - default-src 'self': fetches, images, fonts and workers from this origin only; connect-src
 *   'self' also covers the dev server's same-origin WebSocket.
 * - object-src 'none', base-uri 'none' (no <base> can re-point relative script URLs),
 *   form-action 'self' (a form posts here or nowhere), frame-ancestors 'none' (no framing:
 *   clickjacking; X-Frame-Options DENY says the same to older browsers).
 * - upgrade-insecure-requests only when the portal is served over HTTPS: over plain HTTP it
 *   would send every subresource to an https:// URL that does not answer.
 */
export function contentSecurityPolicy({ nonce, dev = false, https = false }: { nonce: string; dev?: boolean; https?: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** The CSP of API answers (JSON and files): they are never documents, so nothing may load or frame them. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Two years, every subdomain: the values hstspreload.org asks for (RFC 6797 §6.1.1, §6.1.2). */
export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** True when the portal's public URL (NEXTAUTH_URL) is https:// — the same test next-auth v4 uses for Secure cookies. */
export function servedOverHttps(publicUrl = process.env.NEXTAUTH_URL): boolean {
  return Boolean(publicUrl?.startsWith("https://"));
}

/**
 * Strict-Transport-Security for this deployment, or null. Only when NEXTAUTH_URL is https://
 * (a browser ignores the header over HTTP anyway, RFC 6797 §8.1), and never for a loopback host:
 * HSTS binds a host name on every port, so `next dev --experimental-https` on localhost would
 * otherwise force HTTPS onto every other local server for two years.
 */
export function strictTransportSecurity(publicUrl = process.env.NEXTAUTH_URL): string | null {
  if (!servedOverHttps(publicUrl)) return null;
  let host: string;
  try {
    host = new URL(publicUrl!).hostname;
  } catch {
    return null;
  }
  return LOOPBACK_HOST.test(host) ? null : HSTS_VALUE;
}
