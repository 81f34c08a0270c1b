// Playwright global setup: the loopback OpenID provider the SSO specs sign in through. The e2e
// server only needs its URL at start (KEYPORT_OIDC_ISSUER; next-auth fetches the discovery document
// at the first SSO sign-in), so the order against the web server does not matter.
import { startOidcIssuer } from "./oidc-issuer";

export default async function globalSetup() {
  const stop = await startOidcIssuer();
  return stop;
}
