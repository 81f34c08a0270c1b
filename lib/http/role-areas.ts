/**
 * The role areas whose pages redirect a request without a session to the sign-in page (proxy.ts):
 * the paths the proxy's matcher `["/partner/:path*", "/officer/:path*", "/admin/:path*",
 * "/gateway/:path*"]` selected before the proxy also set headers on every page. Like Next.js's
 * matcher (path-to-regexp, case-insensitive) it takes the transport forms of the same page too:
 * /_next/data/<build>/…, .json, .rsc and .segments/….segment.rsc.
 */
const ROLE_AREA = /^(?:\/_next\/data\/[^/]+)?\/(?:partner|officer|admin|gateway)(?:\/.*|\.json|\.rsc|\.segments\/.+\.segment\.rsc)?$/i;

export function isRoleArea(pathname: string): boolean {
  return ROLE_AREA.test(pathname);
}
