// Keyport load benchmark (issue 21): issuance over HTTP and reads at scale, each beside
// references measured in the same run. Not part of CI.
//   npm run build && npm run bench:load [-- --certs 1000,100000] [--million] [--seconds 6] [--issuance-only | --reads-only] [--keep]
// For each size: a fresh database (on BENCH_DATABASE_URL's server, default the local one) with
// N certificates bulk-inserted in SQL across 1,000 organisations; two `server.ts` instances
// (production build) on it; then
//   issuance: submit + approve over the API with pre-made CSRs, at concurrency 1, 8 and 32,
//             against one instance and against two (clients split between them);
//   reads:    list, search (subject part, serial prefix), one certificate, a download, the
//             CRL and the officer inventory page (/officer/certificates, signed in through
//             next-auth's credentials flow), p50/p95 with 1 client and with 50; at the end one
//             table of each read's p50/p95 (1 client) at every size measured;
//   references: `openssl ca -batch` issuing the same kind of certificates, a bare Node HTTP
//             server and /api/health at 50 clients, and the in-process signing ceiling
//             (issueLeafCertificate, as in bench:pki).
// Afterwards: no request with two certificates, CRL numbers contiguous per CA (after a burst of
// concurrent revocations), `audit verify` intact. Exits 1 if any of those or any request failed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const ROOT = path.resolve(import.meta.dirname, "..");
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SIZES = (arg("certs") ?? "1000,100000").split(",").map(Number).concat(process.argv.includes("--million") ? [1_000_000] : []);
const SECONDS = Number(arg("seconds") ?? 5);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const MASTER_KEY = randomBytes(32).toString("hex");
const NEXTAUTH_SECRET = randomBytes(32).toString("hex");
const READS_ONLY = process.argv.includes("--reads-only");
const ISSUANCE_ONLY = process.argv.includes("--issuance-only");
const PORTS = [Number(arg("port") ?? 3310), Number(arg("port") ?? 3310) + 1];
process.env.KEYPORT_MASTER_KEY = MASTER_KEY;
process.env.KEYPORT_LOG_LEVEL ??= "error";

const urlOf = (name: string) => {
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
};
async function onServer<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");

// ---------------------------------------------------------------------------
// CSRs made ahead of time (P-256 keys and PKCS#10 from lib/pki/keygen, in-process: fast).

async function makeCsrs(n: number, tag: string): Promise<string[]> {
  const { generateKeyAndCsr } = await import("../lib/pki/keygen/generate");
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await generateKeyAndCsr({ keyType: "ecdsa-p256", subject: [{ type: "CN", value: `bench-${tag}-${i}` }] })).csrPem);
  return out;
}

// ---------------------------------------------------------------------------
// HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
type Answer = { status: number; body: Buffer; headers: http.IncomingHttpHeaders };
/** `auth`: an API token (sent as Bearer) or `{ cookie }` for a browser session. A string body is sent as a form. */
function request(port: number, method: string, p: string, auth?: string | { cookie: string }, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const form = typeof body === "string";
    const data = body === undefined ? undefined : Buffer.from(form ? body : JSON.stringify(body));
    const authHeaders = typeof auth === "string" ? { authorization: `Bearer ${auth}` } : auth ? { cookie: auth.cookie } : {};
    const req = http.request(
      { host: "127.0.0.1", port, method, path: p, agent, headers: { ...authHeaders, ...(data ? { "content-type": form ? "application/x-www-form-urlencoded" : "application/json", "content-length": data.length } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      },
    );
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

/** The name=value pairs of an answer's Set-Cookie headers, as one Cookie header (with `prior` ones it does not replace). */
function cookiesFrom(a: Answer, prior = ""): string {
  const jar = new Map(prior.split("; ").filter(Boolean).map((c) => [c.slice(0, c.indexOf("=")), c] as const));
  for (const line of a.headers["set-cookie"] ?? []) {
    const pair = line.split(";")[0];
    jar.set(pair.slice(0, pair.indexOf("=")), pair);
  }
  return [...jar.values()].join("; ");
}

/**
 * A browser session for `email`, the way the sign-in page gets one: next-auth's CSRF token and
 * cookie (GET /api/auth/csrf), then the credentials callback. The bench servers run with
 * KEYPORT_MFA_REQUIRED_ROLES=none, so an officer needs no second factor here.
 */
async function signInSession(port: number, email: string, password: string): Promise<string> {
  const csrf = await request(port, "GET", "/api/auth/csrf");
  const { csrfToken } = JSON.parse(csrf.body.toString()) as { csrfToken: string };
  let cookie = cookiesFrom(csrf);
  const form = new URLSearchParams({ csrfToken, email, password, callbackUrl: "/officer", json: "true" }).toString();
  const signedIn = await request(port, "POST", "/api/auth/callback/credentials", { cookie }, form);
  cookie = cookiesFrom(signedIn, cookie);
  if (!/session-token=/.test(cookie)) throw new Error(`sign-in as ${email} failed: ${signedIn.status} ${signedIn.body.toString().slice(0, 200)}`);
  return cookie;
}

const STOP = "stop";
type Load = { ok: number; errors: number; perSecond: number; latencies: number[]; firstError?: string };
/** `clients` loops calling op for `seconds`; op returns null on success or an error text. */
async function load(clients: number, seconds: number, op: (client: number, i: number) => Promise<string | null>): Promise<Load> {
  const end = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  let seq = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (performance.now() < end) {
        const t = performance.now();
        const e = await op(c, seq++).catch((x: unknown) => String(x));
        if (e === STOP) break;
        latencies.push(performance.now() - t);
        if (e) {
          errors++;
          firstError ??= e;
        } else ok++;
      }
    }),
  );
  return { ok, errors, perSecond: (ok * 1000) / (performance.now() - start), latencies, firstError };
}

// ---------------------------------------------------------------------------
// Where the time goes: CPU seconds of the Keyport servers and of PostgreSQL's processes (from
// /proc, so Linux only), and what PostgreSQL's sessions wait on (pg_stat_activity, sampled).

const CLK_TCK = 100;
function cpuOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
      ticks += Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]); // utime stime cutime cstime
    } catch {
      // gone
    }
  }
  return ticks / CLK_TCK;
}
function postgresPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, "utf8").trim() === "postgres";
      } catch {
        return false;
      }
    })
    .map(Number);
}
type Sampled = { keyportCpu: number; postgresCpu: number; waits: Map<string, number>; samples: number };
async function sampled<T>(url: string, serverPids: number[], fn: () => Promise<T>): Promise<{ result: T; sample: Sampled }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const waits = new Map<string, number>();
  let samples = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const r = await c.query(`SELECT coalesce(wait_event_type || ':' || wait_event, 'running') AS w, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' GROUP BY 1`);
      for (const row of r.rows) waits.set(row.w, (waits.get(row.w) ?? 0) + row.n);
      samples++;
      await new Promise((res) => setTimeout(res, 250));
    }
  })();
  const k0 = cpuOf(serverPids);
  const p0 = cpuOf(postgresPids());
  try {
    const result = await fn();
    return { result, sample: { keyportCpu: cpuOf(serverPids) - k0, postgresCpu: cpuOf(postgresPids()) - p0, waits, samples } };
  } finally {
    stop = true;
    await loop;
    await c.end();
  }
}
const topWaits = (s: Sampled) =>
  [...s.waits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([w, n]) => `${w} ${f1(n / Math.max(1, s.samples))}`)
    .join(", ");

// ---------------------------------------------------------------------------
// References

function bareNodeServer(): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-e", `require("http").createServer((q,s)=>{s.setHeader("content-type","application/json");s.end('{"status":"ok"}')}).listen(0,"127.0.0.1",function(){console.log(this.address().port)})`], { stdio: ["ignore", "pipe", "inherit"] });
    child.stdout!.once("data", (d: Buffer) => resolve({ port: Number(String(d).trim()), close: () => child.kill() }));
  });
}

/** `openssl ca -batch` over `n` CSRs in one process (P-256 CA, like Keyport's), certificates per second. */
function opensslCaRate(csrs: string[]): number {
  const dir = mkdtempSync(path.join(tmpdir(), "keyport-bench-ca-"));
  try {
    const run = (args: string[]) => {
      const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
    };
    run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=bench CA", "-days", "30"]);
    writeFileSync(path.join(dir, "index.txt"), "");
    writeFileSync(path.join(dir, "serial"), "1000\n");
    writeFileSync(
      path.join(dir, "ca.cnf"),
      `[ca]\ndefault_ca=d\n[d]\ndir=.\ndatabase=index.txt\nserial=serial\nnew_certs_dir=.\ncertificate=ca.pem\nprivate_key=ca.key\ndefault_md=sha256\ndefault_days=90\npolicy=p\nunique_subject=no\nrand_serial=yes\nx509_extensions=e\n[p]\ncommonName=supplied\n[e]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n`,
    );
    const files = csrs.map((c, i) => {
      const f = `r${i}.csr`;
      writeFileSync(path.join(dir, f), c);
      return f;
    });
    const t = performance.now();
    run(["ca", "-batch", "-config", "ca.cnf", "-notext", "-out", "all.pem", "-infiles", ...files]);
    return (csrs.length * 1000) / (performance.now() - t);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inProcessCeiling(): Promise<number> {
  const { issueLeafCertificate } = await import("../lib/pki/cert/leaf-certificate");
  const { createTestHierarchy } = await import("../lib/pki/interop/test-ca");
  const { generateNodeKeyPair } = await import("../lib/pki/interop/node-signer");
  const { buildName } = await import("../lib/pki/cert/name");
  const { randomSerial } = await import("../lib/pki/cert/serial");
  const h = await createTestHierarchy("ecdsa-p256");
  const leaf = await generateNodeKeyPair("ecdsa-p256");
  const params = (i: number) => ({
    subjectDer: buildName({ O: "Bench AS", CN: `bench-${i}` }),
    spkiDer: leaf.spkiDer,
    issuerCertDer: h.issuing.cert.der,
    signer: h.issuing.signer,
    serial: randomSerial(),
    notBefore: new Date(),
    notAfter: new Date(Date.now() + 90 * 86_400_000),
    keyType: "ec",
    extendedKeyUsage: ["clientAuth"],
    sans: { dns: [], ip: [] },
    crlUrl: "http://x/crl",
    caIssuersUrl: "http://x/ca",
  });
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < 2000) await issueLeafCertificate(params(n++) as never);
  return (n * 1000) / (performance.now() - t);
}

// ---------------------------------------------------------------------------
// One size

type Row = [string, string, string];
/** Each read's 1-client p50/p95 per size, for the closing table. */
const readsBySize = new Map<string, Map<number, string>>();

async function seed(url: string, n: number, env: { id: string; caId: string; derHex: string }) {
  await onServer(url, async (c) => {
    await c.query(`INSERT INTO organisations (id, code, legal_name, group_email, created_at, updated_at)
      SELECT gen_random_uuid(), 'bench-org-' || i, 'Bench org ' || i || ' AS', 'certs@bench' || i || '.test', now(), now() FROM generate_series(1, 1000) i`);
    // Bulk loading into the indexes row by row (the trigram GIN ones above all) takes several times
    // longer than building them afterwards: set aside the certificates' secondary indexes (not the
    // primary key or unique ones) and rebuild them once the rows are in.
    const indexes = (
      await c.query(`SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class x ON x.relname = i.indexname JOIN pg_index p ON p.indexrelid = x.oid
        WHERE i.tablename = 'certificates' AND NOT p.indisunique AND NOT p.indisprimary`)
    ).rows as { indexname: string; indexdef: string }[];
    for (const i of indexes) await c.query(`DROP INDEX "${i.indexname}"`);
    const batch = 100_000;
    for (let from = 1; from <= n; from += batch) {
      const to = Math.min(n, from + batch - 1);
      await c.query(
        `WITH o AS (SELECT array_agg(id ORDER BY code) AS ids FROM organisations WHERE code LIKE 'bench-org-%')
         INSERT INTO certificates (id, org_id, env_id, ca_id, profile_code, serial_hex, subject, not_before, not_after, der, public_key_fingerprint, sha256_fingerprint, revoked_at, revocation_reason, created_at)
         SELECT gen_random_uuid(), o.ids[1 + (i % 1000)], $1::uuid, $2::uuid, 'mtls-client', md5('s' || i || $4), 'CN=bench-cert-' || i || ',O=Bench org ' || (i % 1000),
                now() - interval '10 days', now() + ((i % 400) || ' days')::interval, decode($3, 'hex'), md5('k' || i || $4) || md5('p' || i), upper(regexp_replace(md5('f' || i) || md5('g' || i), '(..)(?!$)', '\\1:', 'g')),
                CASE WHEN i % 100 = 0 THEN now() - interval '1 day' END, CASE WHEN i % 100 = 0 THEN 'superseded'::"RevocationReason" END, now()
         FROM generate_series($5::int, $6::int) i, o`,
        [env.id, env.caId, env.derHex, randomBytes(4).toString("hex"), from, to],
      );
    }
    await c.query("SET maintenance_work_mem = '256MB'");
    for (const i of indexes) await c.query(i.indexdef);
    await c.query("ANALYZE");
  });
}

/** Refuses a port something already listens on: the health poll below would take that server's answer for ours. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = http.createServer();
    probe.once("error", () => reject(new Error(`port ${port} is in use: stop what listens there or pass --port`)));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

async function startServer(port: number, url: string, jobs: boolean): Promise<ChildProcess> {
  await assertPortFree(port);
  const child = spawn(process.execPath, ["--max-semi-space-size=64", ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx", "server.ts", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: url,
      KEYPORT_MASTER_KEY: MASTER_KEY,
      KEYPORT_API_RATE_LIMIT_TOKEN: "100000000",
      KEYPORT_API_RATE_LIMIT_IP: "100000000",
      KEYPORT_CONNECTIVITY: " ",
      KEYPORT_JOBS: jobs ? "on" : "off",
      KEYPORT_LOG_LEVEL: "error",
      KEYPORT_DB_POOL: "20",
      KEYPORT_MFA_REQUIRED_ROLES: "none",
      NEXTAUTH_SECRET: NEXTAUTH_SECRET,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err = (err + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    const t = Date.now();
    const poll = async () => {
      if (child.exitCode !== null) return reject(new Error(`server on ${port} exited: ${err}`));
      const r = await request(port, "GET", "/api/health").catch(() => null);
      if (r?.status === 200) return resolve(child);
      if (Date.now() - t > 90_000) return reject(new Error(`server on ${port} did not start: ${err}`));
      setTimeout(poll, 300);
    };
    void poll();
  });
}

async function runSize(n: number, refs: { openssl: number; bare: number; ceiling: number }): Promise<{ rows: Row[]; ok: boolean }> {
  const name = `keyport_bench_${n}_${randomBytes(3).toString("hex")}`;
  const url = urlOf(name);
  await onServer(SERVER_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const { applyMigrations } = await import("../lib/db/migrations");
  await applyMigrations(url);
  process.env.DATABASE_URL = url;
  const { disconnectDb, getDb } = await import("../lib/db/client");
  const { makeWorld } = await import("../lib/testing/world");
  const servers: ChildProcess[] = [];
  const rows: Row[] = [];
  let ok = true;
  try {
    const w = await makeWorld({ approvalsRequired: 1 });
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { envId: w.env.id, kind: "issuing" } });
    const t0 = performance.now();
    await seed(url, n, { id: w.env.id, caId: ca.id, derHex: Buffer.from(ca.certDer).toString("hex") });
    rows.push([`seed ${n.toLocaleString("en")} certificates (SQL)`, `${((performance.now() - t0) / 1000).toFixed(1)} s`, ""]);
    await disconnectDb();
    servers.push(await startServer(PORTS[0], url, true), await startServer(PORTS[1], url, false));

    // Issuance
    if (!READS_ONLY) await issuance();
    async function issuance() {
      const csrs = await makeCsrs(Number(arg("csrs") ?? 4000), `${n}`);
      let next = 0;
      const issue = (ports: number[]) => async (c: number) => {
        const port = ports[c % ports.length];
        const csr = csrs[next++];
        if (!csr) return STOP; // the pre-made CSRs are used up: this step ends early
        const s = await request(port, "POST", "/api/v1/certificate-requests", w.partnerA.token, { environment: w.env.code, csr });
        if (s.status !== 201 && s.status !== 200) return `submit ${s.status} ${s.body.toString().slice(0, 200)}`;
        const id = JSON.parse(s.body.toString()).id as string;
        const a = await request(port, "POST", `/api/v1/certificate-requests/${id}/approve`, w.officer1.token, {});
        if (a.status !== 200) return `approve ${a.status} ${a.body.toString().slice(0, 200)}`;
        return JSON.parse(a.body.toString()).status === "issued" ? null : "not issued";
      };
      await load(2, 2, issue([PORTS[0]])); // warm-up (JIT, pools, caches)
      for (const instances of [1, 2]) {
        for (const conc of [1, 8, 32]) {
          const { result: r, sample } = await sampled(url, servers.slice(0, instances).map((s) => s.pid!), () => load(conc, SECONDS, issue(PORTS.slice(0, instances))));
          if (r.errors) ok = false;
          const perCert = (cpu: number) => f1((1000 * cpu) / Math.max(1, r.ok));
          rows.push([
            `issuance, ${instances} instance${instances > 1 ? "s" : ""}, concurrency ${conc}`,
            `${f1(r.perSecond)} cert/s${r.errors ? ` (${r.errors} errors: ${r.firstError})` : ""}`,
            `${((100 * r.perSecond) / refs.openssl).toFixed(1)}% of openssl ca; ${((100 * r.perSecond) / refs.ceiling).toFixed(2)}% of in-process; p95 ${f1(pct(r.latencies, 95))} ms; CPU per certificate: Keyport ${perCert(sample.keyportCpu)} ms, PostgreSQL ${perCert(sample.postgresCpu)} ms; sessions waiting: ${topWaits(sample) || "none"}`,
          ]);
        }
      }
    }

    // Reads
    if (ISSUANCE_ONLY) return { rows, ok };
    const some = await onServer(url, (c) => c.query(`SELECT id, serial_hex, subject FROM certificates WHERE subject LIKE 'CN=bench-cert-%' ORDER BY random() LIMIT 200`));
    const pick = (i: number) => some.rows[i % some.rows.length];
    const officer = w.officer1.token;
    const reads: [string, (i: number) => string][] = [
      // What every API call pays before its own work (token, rate limits, routing), beside the bare server.
      ["/api/v1/me (request overhead)", () => "/api/v1/me"],
      ["list (officer, 50 per page)", () => "/api/v1/certificates?limit=50"],
      ["list, page 2 (cursor)", () => `/api/v1/certificates?limit=50&cursor=${cursorOf}`],
      ["search subject part", (i) => `/api/v1/certificates?limit=50&q=${encodeURIComponent(pick(i).subject.slice(3, 18))}`],
      ["search serial prefix", (i) => `/api/v1/certificates?limit=50&q=${pick(i).serial_hex.slice(0, 10)}`],
      ["one certificate", (i) => `/api/v1/certificates/${pick(i).id}`],
      ["download PEM", (i) => `/api/v1/certificates/${pick(i).id}/download?format=pem`],
      ["CRL (issuing)", () => `/crl/${w.env.code}.crl`],
      ["officer inventory page (/officer/certificates)", () => "/officer/certificates"],
    ];
    // One browser session, valid on both instances (the session row is in the database; one
    // NEXTAUTH_SECRET). One sign-in at a time per account: a parallel one is refused as busy.
    const session = await signInSession(PORTS[0], w.officer1.email, "correct horse battery");
    const first = await request(PORTS[0], "GET", "/api/v1/certificates?limit=50", officer);
    const cursorOf = encodeURIComponent(JSON.parse(first.body.toString()).nextCursor ?? "");
    for (const [label, pathOf] of reads) {
      const page = pathOf(0).startsWith("/officer/");
      const op = async (_c: number, i: number) => {
        const r = await request(PORTS[i % 2], "GET", pathOf(i), page ? { cookie: session } : officer);
        return r.status === 200 ? null : `${r.status} ${r.body.toString().slice(0, 200)}`;
      };
      await load(2, 0.5, op); // warm-up: the first answers of a route compile and fill caches
      const one = await load(1, 2, op);
      const fifty = await load(50, 3, op);
      if (one.errors || fifty.errors) ok = false;
      if (!readsBySize.has(label)) readsBySize.set(label, new Map());
      readsBySize.get(label)!.set(n, `${f1(pct(one.latencies, 50))}/${f1(pct(one.latencies, 95))}`);
      rows.push([
        `${label}`,
        `1 client p50/p95 ${f1(pct(one.latencies, 50))}/${f1(pct(one.latencies, 95))} ms`,
        `50 clients p50/p95 ${f1(pct(fifty.latencies, 50))}/${f1(pct(fifty.latencies, 95))} ms, ${f1(fifty.perSecond)} req/s${one.errors + fifty.errors ? ` (${one.errors + fifty.errors} errors: ${one.firstError ?? fifty.firstError})` : ""}`,
      ]);
    }
    const health = await load(50, 3, async (_c, i) => ((await request(PORTS[i % 2], "GET", "/api/health")).status === 200 ? null : "health"));
    // The bare server again, right after: on a shared machine the start-of-run figure can be minutes stale.
    const bareServer = await bareNodeServer();
    const bareNow = (await load(50, 3, async () => ((await request(bareServer.port, "GET", "/")).status === 200 ? null : "bare"))).perSecond;
    bareServer.close();
    rows.push([
      "/api/health, 50 clients (2 instances)",
      `${f1(health.perSecond)} req/s`,
      `${((100 * health.perSecond) / bareNow).toFixed(1)}% of the bare Node server measured just after (${f1(bareNow)} req/s); ${((100 * health.perSecond) / refs.bare).toFixed(1)}% of the start-of-run figure (${f1(refs.bare)} req/s)`,
    ]);

    // Revocation burst: 40 at once, then the checks.
    // Issued by the issuance steps (org A's), or seeded ones when those did not run (--reads-only).
    const victims = await onServer(url, async (c) => {
      const own = await c.query(`SELECT id FROM certificates WHERE revoked_at IS NULL AND org_id = $1::uuid LIMIT 40`, [w.orgA.id]);
      return own.rows.length ? own : c.query(`SELECT id FROM certificates WHERE revoked_at IS NULL LIMIT 40`);
    });
    const revoked = await Promise.all(victims.rows.map((v, i) => request(PORTS[i % 2], "POST", `/api/v1/certificates/${v.id}/revoke`, officer, { reason: "superseded" })));
    const revokeErrors = revoked.filter((r) => r.status !== 200).length;
    if (revokeErrors) ok = false;
    await new Promise((r) => setTimeout(r, 1500)); // the sealers' trailing pass
    const checks = await onServer(url, async (c) => ({
      double: (await c.query(`SELECT count(*)::int AS n FROM (SELECT request_id FROM certificates WHERE request_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d`)).rows[0].n as number,
      gaps: (await c.query(`SELECT count(*)::int AS n FROM (SELECT ca_id, max(number) - min(number) + 1 - count(*) AS gap, min(number) AS lo FROM crls GROUP BY ca_id) g WHERE gap <> 0 OR lo <> 1`)).rows[0].n as number,
      crls: (await c.query(`SELECT max(number)::int AS n FROM crls WHERE ca_id = $1::uuid`, [ca.id])).rows[0].n as number,
      issued: (await c.query(`SELECT count(*)::int AS n FROM certificates WHERE request_id IS NOT NULL`)).rows[0].n as number,
    }));
    process.env.DATABASE_URL = url;
    const { sealPendingAuditEvents } = await import("../lib/audit/seal-audit");
    const { verifyAuditChain } = await import("../lib/audit/verify-chain");
    const before = await verifyAuditChain();
    await sealPendingAuditEvents();
    const chain = await verifyAuditChain();
    await disconnectDb();
    if (checks.double || checks.gaps || !chain.ok) ok = false;
    rows.push([`revocation burst (${victims.rows.length} concurrent)`, `${victims.rows.length - revokeErrors}/${victims.rows.length} ok`, `issuing CA CRL now #${checks.crls}; CRL numbers contiguous: ${checks.gaps ? "NO" : "yes"}`]);
    rows.push([
      "after the run",
      `${checks.issued} issued, ${checks.double} requests with 2 certificates`,
      `audit verify: ${chain.ok ? `intact, ${chain.rows} events` : `BROKEN ${chain.brokenAt}: ${chain.reason}`}; seal lag before the final seal: ${before.ok ? `${before.pending.count} pending, oldest ${f1((before.pending.oldestAgeMs ?? 0) / 1000)} s` : "n/a"}`,
    ]);
  } finally {
    for (const s of servers) s.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1500));
    const { disconnectDb } = await import("../lib/db/client");
    await disconnectDb();
    // --keep: leave the database for bench/read-queries.ts (EXPLAIN ANALYZE of each read's SQL).
    if (process.argv.includes("--keep")) console.log(`kept ${url} (KEYPORT_MASTER_KEY=${MASTER_KEY})`);
    else await onServer(SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
  return { rows, ok };
}

async function main() {
  console.log(`Keyport load bench: sizes ${SIZES.join(", ")}; ${SECONDS} s per issuance step; 2 cores shared with everything else on this machine.`);
  const refCsrs = await makeCsrs(300, "ref");
  const openssl = opensslCaRate(refCsrs);
  const bareServer = await bareNodeServer();
  const bare = (await load(50, 3, async () => ((await request(bareServer.port, "GET", "/")).status === 200 ? null : "bare"))).perSecond;
  bareServer.close();
  const ceiling = await inProcessCeiling();
  console.log(`\nReferences (same run): openssl ca -batch ${f1(openssl)} cert/s (P-256 CA, one process, 300 CSRs); bare Node HTTP server ${f1(bare)} req/s at 50 clients; in-process issuance (issueLeafCertificate, P-256 CA) ${f1(ceiling)} cert/s.`);
  let allOk = true;
  for (const n of SIZES) {
    const { rows, ok } = await runSize(n, { openssl, bare, ceiling });
    allOk &&= ok;
    console.log(`\n### ${n.toLocaleString("en")} certificates\n\n| measure | result | beside |\n|---|---|---|`);
    for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  }
  if (readsBySize.size) {
    console.log(`\n### Reads, 1 client, p50/p95 ms by size\n\n| read | ${SIZES.map((n) => `${n.toLocaleString("en")} rows`).join(" | ")} |\n|---|${SIZES.map(() => "---|").join("")}`);
    for (const [label, bySize] of readsBySize) console.log(`| ${label} | ${SIZES.map((n) => bySize.get(n) ?? "-").join(" | ")} |`);
  }
  console.log(allOk ? "\nAll checks passed." : "\nSOME CHECKS FAILED (see above).");
  process.exit(allOk ? 0 : 1);
}

if (!process.env.BENCH_LOAD_NO_MAIN) void main();
export { makeCsrs, opensslCaRate, inProcessCeiling, seed };
