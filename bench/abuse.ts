// Keyport abuse benchmark (issue 14): does one hostile request, or a burst of sign-ins, stall the
// portal for everyone else?
//   npm run bench:abuse        (builds once if .next is missing; ~2 min after the build)
//
// It starts the production server (e2e/support/serve.ts: a fresh database, migrations, the demo
// data, `next start`), then measures GET /api/health latency from 4 parallel clients:
//   - idle, as the reference for this run;
//   - while a partner submits each worst-case CSR shape (bench/abuse-shapes.ts: the largest RSA
//     modulus and exponent that fit 64 KiB, the deepest nesting, the most RDNs and SANs);
//   - during a burst of 20 simultaneous sign-ins (unknown accounts, so every one is hashed).
// It prints each submit's time and status and the health p95 during each attack as a ratio to
// the idle p95. Targets: ratio < 5 during either attack; no CSR takes over 100 ms to refuse.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { abuseShapes } from "./abuse-shapes";

const PORT = 3900 + Math.floor(Math.random() * 90);
const BASE = `http://127.0.0.1:${PORT}`;
const HEALTH_CLIENTS = 4;
/** Submissions per shape (BENCH_REPS); the submit time printed is their median. */
const REPS = Number(process.env.BENCH_REPS ?? 5);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

/** GET /api/health from HEALTH_CLIENTS clients in a loop until stop() — the latencies, in ms. */
let errors = 0;

function sampleHealth() {
  const latencies: number[] = [];
  let running = true;
  const clients = Array.from({ length: HEALTH_CLIENTS }, async () => {
    while (running) {
      const t = performance.now();
      try {
        const res = await fetch(`${BASE}/api/health`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  });
  return async () => {
    running = false;
    await Promise.all(clients);
    return latencies;
  };
}

async function waitForServer(timeoutMs = 180_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(500);
  }
  throw new Error("the server did not come up");
}

async function signInOnce(email: string, password: string): Promise<number> {
  const csrfRes = await fetch(`${BASE}/api/auth/csrf`);
  const cookie = (csrfRes.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function main() {
  if (!existsSync(".next/BUILD_ID")) {
    console.log("building (npm run build) …");
    const b = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
    if (b.status !== 0) throw new Error("build failed");
  }
  const env = {
    ...process.env,
    KEYPORT_E2E_PORT: String(PORT),
    KEYPORT_E2E_MTLS_PORT: String(PORT + 1000),
    KEYPORT_E2E_DB: `keyport_abuse_${randomBytes(4).toString("hex")}`,
    KEYPORT_MASTER_KEY: process.env.KEYPORT_MASTER_KEY ?? randomBytes(32).toString("hex"),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const server = spawn(process.execPath, ["--import", "tsx", "e2e/support/serve.ts"], { env, stdio: ["ignore", "ignore", "inherit"] });
  const stop = () => new Promise<void>((r) => (server.exitCode !== null ? r() : (server.once("exit", () => r()), server.kill("SIGTERM"))));
  try {
    process.env.KEYPORT_E2E_DB = env.KEYPORT_E2E_DB;
    process.env.KEYPORT_E2E_PORT = env.KEYPORT_E2E_PORT;
    await waitForServer();
    const { e2eDatabaseUrl } = await import("../e2e/support/env");
    const token = spawnSync(process.execPath, ["--import", "tsx", "scripts/keyport.ts", "token", "create", "--user", "partner@acme.test", "--name", "abuse-bench"], {
      env: { ...env, DATABASE_URL: e2eDatabaseUrl() },
      encoding: "utf8",
    }).stdout.trim();
    if (!/^\S{20,}$/.test(token)) throw new Error("could not create an API token");

    // Warm up the routes (the first request of each compiles nothing in production, but JITs and connects).
    for (let i = 0; i < 50; i++) await (await fetch(`${BASE}/api/health`)).arrayBuffer();
    await signInOnce("warmup@bench.test", "x").catch(() => 0);

    const shapes = abuseShapes(); // built before measuring: it takes seconds of CPU
    let stopIdle = sampleHealth();
    await sleep(3000);
    const idle = await stopIdle();
    const idleP95 = quantile(idle, 0.95);
    console.log(`\n/api/health idle, ${HEALTH_CLIENTS} clients: p50 ${quantile(idle, 0.5).toFixed(1)} ms, p95 ${idleP95.toFixed(1)} ms (${idle.length} requests)\n`);

    const rows: string[][] = [["attack", "bytes", "status", "time", "health p95", "× idle p95"]];
    for (const shape of shapes) {
      const stopSampling = sampleHealth();
      await sleep(200);
      const times: number[] = [];
      let status = 0;
      let code = "";
      for (let i = 0; i < REPS; i++) {
        const t = performance.now();
        try {
          const res = await fetch(`${BASE}/api/v1/certificate-requests`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ environment: "PPR", csr: shape.pem }),
          });
          const body = (await res.json()) as { error?: { code?: string } };
          status = res.status;
          code = body.error?.code ?? "";
        } catch (e) {
          code = `failed: ${(e as Error).message}`;
        }
        times.push(performance.now() - t);
      }
      await sleep(200);
      const during = await stopSampling();
      const p95 = quantile(during, 0.95);
      rows.push([shape.name, String(shape.derBytes), `${status}${code ? ` ${code}` : ""}`, `${quantile(times, 0.5).toFixed(1)} ms`, `${p95.toFixed(1)} ms`, (p95 / idleP95).toFixed(2)]);
    }

    stopIdle = sampleHealth();
    await sleep(200);
    const t = performance.now();
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => signInOnce(`burst-${i}-${randomBytes(3).toString("hex")}@bench.test`, "wrong-password")));
    const burstMs = performance.now() - t;
    await sleep(200);
    const burst = await stopIdle();
    const burstP95 = quantile(burst, 0.95);
    rows.push(["20 simultaneous sign-ins", "-", [...new Set(statuses)].join("/"), `${burstMs.toFixed(0)} ms (all)`, `${burstP95.toFixed(1)} ms`, (burstP95 / idleP95).toFixed(2)]);

    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
    console.log(`\nTargets: health p95 during each attack < 5 × idle p95; every hostile CSR refused in < 100 ms. Health requests that failed: ${errors}.`);
  } finally {
    await stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
