// A real OpenID provider (the `oidc-provider` package) on loopback for the SSO specs
// (e2e/mfa.spec.ts). Its dev login page takes any password: the "login" names the account, and
// each account's claims are below. The e2e server is configured for it (e2e/support/serve.ts).
import type { Server } from "node:http";

export const OIDC_CLIENT_ID = "keyport-e2e";
export const OIDC_CLIENT_SECRET = "keyport-e2e-oidc-client-secret-0123456789";
export const oidcIssuerUrl = () => `http://127.0.0.1:${process.env.KEYPORT_E2E_OIDC_PORT}`;

/** Accounts at the issuer: the officer carries the mapped claim, the other two do not map to a staff role. */
export const OIDC_ACCOUNTS: Record<string, Record<string, unknown>> = {
  "officer1@keyport.test": { name: "Officer One (SSO)", keyport_role: ["officer"] },
  "partner@acme.test": { name: "Partner (SSO)" },
  "stranger@keyport.test": { name: "Nobody", keyport_role: "visitor" },
};

export async function startOidcIssuer(): Promise<() => Promise<void>> {
  const { default: Provider } = await import("oidc-provider");
  const appPort = process.env.KEYPORT_E2E_PORT!;
  const provider = new Provider(oidcIssuerUrl(), {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: [`http://localhost:${appPort}/api/auth/callback/oidc`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    async findAccount(_ctx, id) {
      const extra = OIDC_ACCOUNTS[id] ?? {};
      return { accountId: id, claims: async () => ({ sub: id, email: id, email_verified: true, ...extra }) };
    },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "keyport_role"] },
    // Keyport reads the ID token's claims (next-auth idToken: true).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["keyport-e2e-oidc-cookie-key-0123456789"] },
    pkce: { required: () => true },
  });
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(Number(process.env.KEYPORT_E2E_OIDC_PORT), "127.0.0.1", () => resolve(s));
  });
  return () => new Promise((resolve) => server.close(() => resolve()));
}
