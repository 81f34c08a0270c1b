// Values shared by the e2e web server and the specs (set in playwright.config.ts).
export const E2E_PASSWORDS: Record<string, string> = {
  "partner@acme.test": "partner-password-e2e",
  "security2@acme.test": "security2-password-e2e",
  "partner-admin@acme.test": "partner-admin-password-e2e",
  "viewer@acme.test": "viewer-password-e2e",
  "officer1@keyport.test": "officer1-password-e2e",
  "officer2@keyport.test": "officer2-password-e2e",
  "admin@keyport.test": "admin-password-e2e",
  "gateway@keyport.test": "gateway-password-e2e",
};

export const EMBEDDED_E2E_PORT = 54400;

/** The e2e server's /metrics token (KEYPORT_METRICS_TOKEN). */
export const E2E_METRICS_TOKEN = "e2e-metrics-token-0123456789";
/** Everything the e2e server logs during a run (searched for secrets by e2e/zz-logs.spec.ts). */
export const E2E_SERVER_LOG = ".e2e/server.log";

/** The e2e database URL: a database on TEST_DATABASE_URL's server, or the embedded one serve.ts starts. */
export function e2eDatabaseUrl(): string {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) return `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_E2E_PORT}/postgres?sslmode=disable`;
  const url = new URL(server);
  url.pathname = `/${process.env.KEYPORT_E2E_DB}`;
  return url.toString();
}

/**
 * What a process of ours needs beside DATABASE_URL to use the e2e database: on the embedded PGlite
 * (no TEST_DATABASE_URL), that it is one (lib/db/embedded.ts markEmbedded: one connection, no named
 * statements — its single backend keeps every process's named statements).
 */
export function e2eDatabaseEnv(): Record<string, string> {
  return { DATABASE_URL: e2eDatabaseUrl(), ...(process.env.TEST_DATABASE_URL ? {} : { KEYPORT_DB_EMBEDDED: "1" }) };
}

/** The command that runs the Keyport server in production mode (`npm start`), for specs that start one more. */
export function keyportServerCommand(port: number | string): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  // tsx as a loader in the server's own process (not the tsx CLI, whose parent process SIGKILLs a
  // child that does not acknowledge a signal within 60 ms — a busy server's graceful stop).
  return { command: process.execPath, args: ["--max-semi-space-size=64", "--import", "tsx", "server.ts", "--port", String(port), "--hostname", "localhost"], env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } };
}
