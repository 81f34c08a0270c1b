// Database failures in one line for people (CLI, startup): Prisma's messages start with a
// newline and quote the calling code; the reason is in meta.driverAdapterError (adapter-pg's
// classification of the pg/socket error) or on the message's last line.

type AdapterCause = {
  kind?: string;
  host?: string;
  port?: number;
  db?: string;
  originalCode?: string;
  originalMessage?: string;
  reason?: string;
};

function adapterCause(e: unknown): AdapterCause | null {
  const meta = (e as { meta?: { driverAdapterError?: { cause?: AdapterCause } } } | null)?.meta;
  const cause = meta?.driverAdapterError?.cause ?? (e as { cause?: AdapterCause } | null)?.cause;
  if (cause && typeof cause === "object" && typeof cause.kind === "string") return cause;
  return rawPgCause(e);
}

/** The same classification for errors straight from pg or the socket (the migration runner talks to pg directly). */
function rawPgCause(e: unknown): AdapterCause | null {
  const err = e as { code?: unknown; address?: string; hostname?: string; port?: number; syscall?: unknown; severity?: unknown; message?: string } | null;
  if (!err || typeof err.code !== "string") return null;
  if (typeof err.syscall === "string") {
    if (err.code === "ECONNREFUSED") return { kind: "DatabaseNotReachable", host: err.address, port: err.port };
    if (err.code === "ENOTFOUND") return { kind: "DatabaseNotReachable", host: err.hostname };
    if (err.code === "ETIMEDOUT") return { kind: "SocketTimeout" };
    if (err.code === "ECONNRESET") return { kind: "ConnectionClosed" };
    return null;
  }
  if (typeof err.severity !== "string") return null;
  const originalMessage = err.message;
  if (err.code === "3D000") return { kind: "DatabaseDoesNotExist", db: /database "([^"]*)"/.exec(originalMessage ?? "")?.[1], originalCode: err.code, originalMessage };
  if (err.code === "28000" || err.code === "28P01") return { kind: "AuthenticationFailed", originalCode: err.code, originalMessage };
  return { kind: "postgres", originalCode: err.code, originalMessage };
}

/** Where DATABASE_URL points, without credentials ("127.0.0.1:5432/keyport"). */
export function databaseLocation(url = process.env.DATABASE_URL): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname && u.pathname !== "/" ? u.pathname : ""}`;
  } catch {
    return null;
  }
}

/**
 * A one-line reason for a database error, or null when `e` is not one. Never includes the
 * connection string's password.
 */
export function describeDatabaseError(e: unknown): string | null {
  const cause = adapterCause(e);
  const code = (e as { code?: unknown } | null)?.code;
  if (cause) {
    const where = cause.host ? `${cause.host}${cause.port ? `:${cause.port}` : ""}` : (databaseLocation()?.replace(/\/.*$/, "") ?? "the configured address");
    switch (cause.kind) {
      case "DatabaseNotReachable":
        // adapter-pg sets the port for ECONNREFUSED (address + port) and only the host name for ENOTFOUND.
        return cause.port
          ? `cannot reach the database at ${where} (connection refused): is PostgreSQL running there, and is DATABASE_URL right?`
          : `cannot reach the database at ${where} (host not found): check the host in DATABASE_URL`;
      case "SocketTimeout":
        return `cannot reach the database at ${where} (timed out)`;
      case "ConnectionClosed":
        return "the database closed the connection";
      case "TlsConnectionError":
        return `the TLS connection to the database failed (${cause.reason ?? "TLS error"})`;
      case "DatabaseDoesNotExist":
        return `database "${cause.db ?? "?"}" does not exist on the server${cause.host ? ` at ${where}` : ""}: create it or fix DATABASE_URL`;
      case "DatabaseAccessDenied":
      case "AuthenticationFailed":
        return `the database refused the login${cause.originalMessage ? ` (${cause.originalMessage})` : ""}: check the user and password in DATABASE_URL`;
      case "TooManyConnections":
        return "the database has too many connections; try again, or lower KEYPORT_DB_POOL";
      case "TableDoesNotExist":
        return "the database has no Keyport tables yet. Run: npm run keyport -- db migrate";
      default:
        if (cause.originalMessage) return `database error: ${cause.originalMessage}${cause.originalCode ? ` (SQLSTATE ${cause.originalCode})` : ""}`;
    }
  }
  if (code === "P2021") return "the database has no Keyport tables yet. Run: npm run keyport -- db migrate";
  if (typeof code === "string" && /^P\d{4}$/.test(code)) return `database error ${code}: ${lastLine((e as Error).message)}`;
  return null;
}

/** The last non-empty line: where Prisma puts the reason, after the code excerpt. */
export function lastLine(message: string | undefined): string {
  const lines = (message ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? "";
}
