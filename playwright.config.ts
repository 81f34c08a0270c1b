import { defineConfig } from "@playwright/test";
import { randomBytes } from "node:crypto";

// One fresh database for the whole run: on TEST_DATABASE_URL's server when set
// (CI: a real PostgreSQL), otherwise an in-memory embedded PGlite. Set here, in
// the runner process, so the web server and every worker see the same values.
process.env.KEYPORT_E2E_PORT ??= String(3100 + Math.floor(Math.random() * 800));
// The PPR mTLS connectivity listener of the e2e server (the partner's "Test connectivity" flow).
process.env.KEYPORT_E2E_MTLS_PORT ??= String(Number(process.env.KEYPORT_E2E_PORT) + 1000);
// The loopback OpenID provider for SSO (e2e/support/oidc-issuer.ts, started by the global setup).
process.env.KEYPORT_E2E_OIDC_PORT ??= String(Number(process.env.KEYPORT_E2E_PORT) + 1500);
process.env.KEYPORT_MASTER_KEY ??= randomBytes(32).toString("hex");
process.env.KEYPORT_E2E_DB ??= `keyport_e2e_${randomBytes(5).toString("hex")}`;
const port = Number(process.env.KEYPORT_E2E_PORT);

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./e2e/support/global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
    trace: "retain-on-failure",
  },
  webServer: {
    command: "node --import tsx e2e/support/serve.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
