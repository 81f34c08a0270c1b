// The e2e web server: fresh database → migrations → demo data with known
// passwords → the production server (`npm start`: server.ts). Drops the database on exit.
import { spawn } from "node:child_process";
import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrations";
import { disconnectDb } from "@/lib/db/client";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { seedDemo } from "@/lib/services/demo/seed-demo";
import fs from "node:fs";
import path from "node:path";
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, oidcIssuerUrl } from "./oidc-issuer";
import { E2E_METRICS_TOKEN, E2E_PASSWORDS, E2E_SERVER_LOG, EMBEDDED_E2E_PORT, e2eDatabaseUrl, keyportServerCommand } from "./env";

async function main() {
  const server = process.env.TEST_DATABASE_URL;
  const dbName = process.env.KEYPORT_E2E_DB!;
  let stopDb = async () => {};
  if (server) {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    stopDb = async () => {
      const d = new pg.Client({ connectionString: server });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await d.end();
    };
  } else {
    const db = await startEmbeddedDatabase({ dataDir: "memory://", port: EMBEDDED_E2E_PORT });
    stopDb = db.stop;
  }
  const url = e2eDatabaseUrl();
  process.env.DATABASE_URL = url;
  await applyMigrations(url);
  // The specs sign the demo accounts in with passwords alone; e2e/mfa.spec.ts enrols its own users.
  await seedDemo(CLI_ACTOR, { passwords: E2E_PASSWORDS, totp: false });
  await disconnectDb();

  const port = process.env.KEYPORT_E2E_PORT!;
  const env = {
    ...process.env,
    DATABASE_URL: url,
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? "e2e-only-secret-not-for-production-0123456789",
    NEXT_TELEMETRY_DISABLED: "1",
    KEYPORT_CONNECTIVITY: `PPR:${process.env.KEYPORT_E2E_MTLS_PORT}`,
    KEYPORT_CONNECTIVITY_HOST: "127.0.0.1",
    // Second factors are optional here (the demo accounts have none); e2e/mfa.spec.ts enrols its own.
    KEYPORT_MFA_REQUIRED_ROLES: "none",
    KEYPORT_METRICS_TOKEN: E2E_METRICS_TOKEN,
    // SSO through the loopback OpenID provider of the global setup (e2e/support/oidc-issuer.ts).
    KEYPORT_OIDC_ISSUER: oidcIssuerUrl(),
    KEYPORT_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
    KEYPORT_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET,
  };
  // The production server, exactly as `npm start` runs it.
  const keyportServer = keyportServerCommand(port);
  // Its log goes to E2E_SERVER_LOG (searched for secrets by e2e/zz-logs.spec.ts); its stderr also to the console.
  fs.mkdirSync(path.dirname(E2E_SERVER_LOG), { recursive: true });
  const logFile = fs.createWriteStream(E2E_SERVER_LOG, { flags: "w" });
  const child = spawn(keyportServer.command, keyportServer.args, { stdio: ["ignore", "pipe", "pipe"], env: { ...env, ...keyportServer.env } });
  // stdout is the JSON log (one line per request): to the file only, so the test output stays readable.
  child.stdout!.on("data", (d: Buffer) => logFile.write(d));
  child.stderr!.on("data", (d: Buffer) => (process.stderr.write(d), logFile.write(d)));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    await stopDb().catch((e) => console.error("could not drop the e2e database:", e));
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  child.on("exit", () => void stop());
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
