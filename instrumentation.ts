// Runs once when the Next.js server starts (Node.js runtime):
// - stamps every HTTP request with the socket's peer address (lib/auth/client-ip.ts), so the
//   audit trail and the sign-in throttle never take a client-written X-Forwarded-For at its word;
// - starts the mTLS connectivity listeners named by KEYPORT_CONNECTIVITY (e.g. "PPR:8443,PRD:8444").
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ default: http }, { default: https }, { installPeerStamp, trustedProxies }, { rateLimitConfig }] = await Promise.all([
    import("node:http"),
    import("node:https"),
    import("./lib/auth/client-ip"),
    import("./lib/api/rate-limit"),
  ]);
  trustedProxies(); // a malformed KEYPORT_TRUSTED_PROXIES stops the start with its message
  rateLimitConfig(); // so does a malformed KEYPORT_API_RATE_LIMIT_*
  installPeerStamp([http.Server, https.Server]); // next start, and next dev --experimental-https

  if (!process.env.KEYPORT_CONNECTIVITY?.trim()) return;
  const { startConfiguredListeners } = await import("./lib/connectivity/listener");
  await startConfiguredListeners();
}
