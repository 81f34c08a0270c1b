// In-process issuance through the services (no HTTP, no Next.js): CPU per certificate of the
// service layer alone, to tell it apart from request overhead. Not part of CI.
//   BENCH_DATABASE_URL=… tsx bench/service-profile.ts [--n 300] [--concurrency 8]
import { randomBytes } from "node:crypto";
import pg from "pg";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg("n") ?? 300);
const CONC = Number(arg("concurrency") ?? 8);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function main() {
  process.env.KEYPORT_MASTER_KEY ??= randomBytes(32).toString("hex");
  const name = `keyport_svc_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  try {
    const { applyMigrations } = await import("../lib/db/migrations");
    await applyMigrations(url);
    process.env.DATABASE_URL = url;
    const { makeWorld } = await import("../lib/testing/world");
    process.env.BENCH_LOAD_NO_MAIN = "1"; // load.ts's own run must not start on import
    const { makeCsrs } = await import("./load");
    const { submitCertificateRequest } = await import("../lib/services/requests/submit-request");
    const { approveCertificateRequest } = await import("../lib/services/requests/decide-request");
    const { disconnectDb } = await import("../lib/db/client");
    const w = await makeWorld({ approvalsRequired: 1 });
    const csrs = await makeCsrs(N + 20, "svc");
    const one = async (csr: string) => {
      const s = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr });
      const a = await approveCertificateRequest(w.officer1.actor, s.id);
      if (a.status !== "issued") throw new Error("not issued");
    };
    for (const c of csrs.splice(0, 20)) await one(c); // warm-up
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: CONC }, async () => {
      while (next < csrs.length) await one(csrs[next++]);
    }));
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    console.log(`${N} certificates in ${(ms / 1000).toFixed(2)} s at concurrency ${CONC}: ${((N * 1000) / ms).toFixed(1)} cert/s; service CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(1)} ms per certificate`);
    await disconnectDb();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
void main();
