// Zero-setup database: when DATABASE_URL is unset, Keyport runs an embedded
// PostgreSQL (PGlite, Postgres compiled to WASM) behind its wire-protocol
// socket server, so the app itself keeps one code path (adapter-pg + a URL).
import fs from "node:fs";
import path from "node:path";

export const DEFAULT_DATA_DIR = path.resolve(process.cwd(), ".data");
const DEFAULT_PORT = 54329;

export type EmbeddedDatabase = { url: string; embedded: boolean; stop: () => Promise<void> };

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

// Only one process may own a PGlite data directory: two owners silently lose writes.
function takeLock(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(lockFile, "utf8").trim() === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(fs.readFileSync(lockFile, "utf8").trim());
      if (owner && pidAlive(owner) && owner !== process.pid) {
        throw new Error(
          `The embedded database in ${path.dirname(lockFile)} is in use by process ${owner}. Stop it first, or set DATABASE_URL.`,
        );
      }
      fs.unlinkSync(lockFile); // stale lock from a process that died
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

/** Start PGlite on `dataDir` (or in memory when dataDir is "memory://") and serve it on loopback. */
export async function startEmbeddedDatabase(opts: { dataDir?: string; port?: number } = {}): Promise<EmbeddedDatabase> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  // Contrib extensions the migrations create (pg_trgm: the trigram index for subject search).
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const extensions = { pg_trgm };
  const dataDir = opts.dataDir ?? process.env.KEYPORT_DATA_DIR ?? DEFAULT_DATA_DIR;
  const port = opts.port ?? Number(process.env.KEYPORT_EMBEDDED_DB_PORT ?? DEFAULT_PORT);
  let release = () => {};
  let db;
  if (dataDir === "memory://") {
    db = await PGlite.create({ extensions });
  } else {
    fs.mkdirSync(dataDir, { recursive: true });
    release = takeLock(path.join(dataDir, "pglite.lock"));
    try {
      db = await PGlite.create(path.join(dataDir, "pglite"), { extensions });
    } catch (e) {
      release();
      throw e;
    }
  }
  // The socket server defaults to one connection; the app's pools open several.
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 64 });
  try {
    await server.start();
  } catch (e) {
    await db.close();
    release();
    throw new Error(`Could not start the embedded database on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
  markEmbedded();
  const urlFile = dataDir === "memory://" ? null : path.join(dataDir, "pglite.url");
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  if (urlFile) fs.writeFileSync(urlFile, url);
  let stopped = false;
  return {
    url,
    embedded: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      if (urlFile) fs.rmSync(urlFile, { force: true });
      release();
    },
  };
}

/**
 * DATABASE_URL when set; otherwise the embedded database: the one a running
 * `npm run dev`/`demo` already serves (so the CLI works beside it), or a new one.
 */
export async function ensureDatabaseUrl(): Promise<EmbeddedDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) return { url, embedded: false, stop: async () => {} };
  const dataDir = process.env.KEYPORT_DATA_DIR ?? DEFAULT_DATA_DIR;
  const running = runningEmbeddedUrl(dataDir);
  if (running) {
    process.env.DATABASE_URL = running;
    markEmbedded();
    return { url: running, embedded: true, stop: async () => {} };
  }
  const db = await startEmbeddedDatabase({ dataDir });
  process.env.DATABASE_URL = db.url;
  return db;
}

/**
 * PGlite is one backend behind the socket server, which interleaves the protocol messages of its
 * connections: two connections' Parse/Bind/Execute sequences can clobber each other's unnamed
 * statement ("bind message supplies 4 parameters, but prepared statement requires 2") or hand one
 * query's rows to the other. Every pool of this process (lib/db/client.ts, the job engine) then
 * uses a single connection: PGlite runs one statement at a time anyway.
 */
function markEmbedded(): void {
  process.env.KEYPORT_DB_EMBEDDED = "1";
}

function runningEmbeddedUrl(dataDir: string): string | null {
  try {
    const owner = Number(fs.readFileSync(path.join(dataDir, "pglite.lock"), "utf8").trim());
    if (!owner || owner === process.pid || !pidAlive(owner)) return null;
    return fs.readFileSync(path.join(dataDir, "pglite.url"), "utf8").trim() || null;
  } catch {
    return null;
  }
}
