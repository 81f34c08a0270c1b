// Runs once when the Next.js server starts (Node.js runtime):
// - stamps every HTTP request with the socket's peer address (lib/auth/client-ip.ts), so the
//   audit trail and the sign-in throttle never take a client-written X-Forwarded-For at its word;
// - starts the mTLS connectivity listeners named by KEYPORT_CONNECTIVITY (e.g. "PPR:8443,PRD:8444").
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ default: http }, { stampPeerAddress, trustedProxies }] = await Promise.all([import("node:http"), import("./lib/auth/client-ip")]);
  trustedProxies(); // a malformed KEYPORT_TRUSTED_PROXIES stops the start with its message
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: InstanceType<typeof http.Server>, event: string | symbol, ...args: unknown[]) {
    if (event === "request") stampPeerAddress(args[0] as InstanceType<typeof http.IncomingMessage>);
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;

  if (!process.env.KEYPORT_CONNECTIVITY?.trim()) return;
  const { startConfiguredListeners } = await import("./lib/connectivity/listener");
  await startConfiguredListeners();
}
