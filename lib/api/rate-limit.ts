// Rate limits of /api/v1, checked in withApi (lib/api/handler.ts) before any handler runs.
// Counted in PostgreSQL (table rate_limits, prisma/migrations/…_rate_limits) by
// rate-limiter-flexible's RateLimiterPostgres, so every instance of Keyport shares one count.
// Fixed one-minute windows; each limit is set by an environment variable (0 turns it off).
// Authenticated calls are counted in leases (LeasedLimiter below): an instance takes a few points
// of the shared count at once and spends them from memory, so a busy token costs one upsert per
// lease, not one per call:
//   KEYPORT_API_RATE_LIMIT_TOKEN        calls per minute per API token              (600)
//   KEYPORT_API_RATE_LIMIT_IP           authenticated calls per minute per address  (1200)
//   KEYPORT_API_RATE_LIMIT_FAILED_AUTH  failed authentications per minute per address (60)
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "@/lib/errors";

export type RateLimitConfig = { tokenPerMinute: number; ipPerMinute: number; failedAuthPerMinute: number };

const WINDOW_S = 60;
export const RATE_LIMIT_TABLE = "rate_limits";

const DEFAULTS: Record<keyof RateLimitConfig, [string, number]> = {
  tokenPerMinute: ["KEYPORT_API_RATE_LIMIT_TOKEN", 600],
  ipPerMinute: ["KEYPORT_API_RATE_LIMIT_IP", 1200],
  failedAuthPerMinute: ["KEYPORT_API_RATE_LIMIT_FAILED_AUTH", 60],
};

/** The limits from the environment; a value that is not a whole number ≥ 0 stops with its name. */
export function rateLimitConfig(env: Record<string, string | undefined> = process.env): RateLimitConfig {
  const config = {} as RateLimitConfig;
  for (const [field, [name, fallback]] of Object.entries(DEFAULTS) as [keyof RateLimitConfig, [string, number]][]) {
    const raw = env[name]?.trim();
    if (!raw) {
      config[field] = fallback;
      continue;
    }
    if (!/^\d{1,9}$/.test(raw)) throw new Error(`${name}: "${raw}" is not a number of requests per minute (a whole number, 0 for no limit).`);
    config[field] = Number(raw);
  }
  return config;
}

/** A 429: errorResponse adds Retry-After (RFC 6585 §4, RFC 9110 §10.2.3) from retryAfterS. */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super("rate_limited", message);
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The pool as the library's "client" store, sending its statements unnamed. The library names
 * them (prepared once per connection), but the embedded PGlite serves every connection from one
 * backend, where the second connection's PREPARE of the same name fails with 42P05 "prepared
 * statement already exists". An unnamed statement costs a parse per call; the upsert is tiny.
 */
function unnamedStatements(pool: pg.Pool) {
  return { query: (q: pg.QueryConfig) => pool.query({ text: q.text, values: q.values }) };
}

function limiter(pool: pg.Pool, keyPrefix: string, points: number): RateLimiterPostgres | null {
  if (points === 0) return null;
  return new RateLimiterPostgres({
    storeClient: unnamedStatements(pool),
    storeType: "client",
    tableName: RATE_LIMIT_TABLE,
    // The table is created by a migration, not by the library at run time.
    tableCreated: true,
    keyPrefix,
    points,
    duration: WINDOW_S,
    // Once a key is over its limit, this instance refuses it from memory until the window ends
    // (the library's in-memory block), so a flood costs no further queries here.
    inMemoryBlockOnConsumed: points + 1,
  });
}

/** At most this share of a limit is taken in one lease (so at most this much per instance can go unused in a window). */
const LEASE_SHARE = 100;

/**
 * A limit counted in leases: the shared count (rate_limits, through the library) grows by a lease
 * of several points at once, and this instance spends them from memory until the window ends.
 * Leases start at one point per key and window and double while the key keeps calling.
 * Never more than the limit is let through across instances: each lease is one atomic upsert, and
 * a lease the count cannot cover is refused. A lease is at most 1/LEASE_SHARE of the limit and at
 * most a quarter of what the count had left at the last lease, so near the limit leases shrink to
 * single points; what a lease leaves unspent when calls stop (or move to another instance) is the
 * cost, at most about 1% of the limit per instance. A limit under 200 is counted point by point.
 */
export class LeasedLimiter {
  private readonly leases = new Map<string, { left: number; until: number; remaining: number; next: number }>();
  private readonly maxLease: number;
  private swept = 0;

  constructor(
    private readonly limiter: RateLimiterPostgres,
    readonly points: number,
  ) {
    this.maxLease = Math.max(1, Math.floor(points / LEASE_SHARE));
  }

  /** Resolves when the call is within the limit; rejects with the library's RateLimiterRes past it, or the store's error. */
  async consume(key: string): Promise<void> {
    const now = Date.now();
    const lease = this.leases.get(key);
    const live = lease && lease.until > now ? lease : undefined;
    if (live && live.left > 0) {
      live.left--;
      return;
    }
    // A key's first lease in a window is one point, and each next one twice the last: a token
    // that makes a few calls is counted exactly, a busy one soon takes full leases.
    const chunk = Math.max(1, Math.min(this.maxLease, live?.next ?? 1, Math.floor((live?.remaining ?? this.points) / 4)));
    const res = await this.limiter.consume(key, chunk);
    // Calls that found the lease empty at once each took their own: what they leave adds up.
    const current = this.leases.get(key);
    const carried = current && current.until > Date.now() ? current.left : 0;
    this.leases.set(key, { left: carried + chunk - 1, until: now + res.msBeforeNext, remaining: res.remainingPoints, next: chunk * 2 });
    // Expired leases go once the map is large, in one sweep a second at most (not on every lease).
    if (this.leases.size > 10_000 && now - this.swept > 1000) {
      this.swept = now;
      for (const [k, v] of this.leases) if (v.until <= now) this.leases.delete(k);
    }
  }
}

/**
 * The three limits of /api/v1 on one rate_limits table: one upsert per failed authentication;
 * for authenticated calls, one upsert per lease of each limit (two at once, on two pool
 * connections, when both leases run out together).
 */
export class ApiRateLimits {
  private readonly token: LeasedLimiter | null;
  private readonly ip: LeasedLimiter | null;
  private readonly failedAuth: RateLimiterPostgres | null;
  private lastWarning = 0;

  constructor(
    pool: pg.Pool,
    readonly config: RateLimitConfig = rateLimitConfig(),
  ) {
    this.token = leased(limiter(pool, "api-token", config.tokenPerMinute), config.tokenPerMinute);
    this.ip = leased(limiter(pool, "api-ip", config.ipPerMinute), config.ipPerMinute);
    this.failedAuth = limiter(pool, "api-failed-auth", config.failedAuthPerMinute);
  }

  /**
   * After a failed authentication (missing, malformed, unknown or revoked token). Counted after
   * the token lookup, not before it: tokens hold 256 random bits, so this limit sheds load rather
   * than stops guessing, and a valid token from an address that also sends bad ones keeps working
   * the same on every instance. Past the limit this instance answers from memory. Fails closed:
   * when the count cannot be kept the call is refused with 429 as if over the limit. Such a call
   * never reaches a handler anyway, so refusing it costs a legitimate client nothing, while
   * letting it through uncounted would give a token-guessing or flooding client an unlimited
   * budget exactly when the database is struggling.
   */
  async countFailedAuthentication(ip: string | null): Promise<void> {
    if (!this.failedAuth) return;
    try {
      await this.failedAuth.consume(addressKey(ip));
    } catch (e) {
      if (e instanceof RateLimiterRes) throw this.tooManyFailures(e.msBeforeNext);
      this.warnStoreDown(e, "failed authentication, refused");
      throw new RateLimitedError("The rate limit could not be checked, so the request is refused; retry shortly.", 10);
    }
  }

  /**
   * After a successful authentication, per token and per address at once. Fails open (with a
   * logged warning): the caller has just proved who it is, the limits protect capacity rather
   * than guard anything, and refusing every verified client because a counter is unreachable
   * would turn a hiccup of the store into an outage of the API.
   */
  async countAuthenticatedCall(tokenId: string, ip: string | null): Promise<void> {
    const checks: Promise<RateLimitedError | null>[] = [];
    if (this.token) checks.push(this.check(this.token, tokenId, `Too many requests with this API token: the limit is ${this.config.tokenPerMinute} per minute.`));
    if (this.ip) checks.push(this.check(this.ip, addressKey(ip), `Too many requests from this address: the limit is ${this.config.ipPerMinute} per minute.`));
    const refused = (await Promise.all(checks)).filter((r): r is RateLimitedError => r !== null);
    if (refused.length) throw refused.reduce((a, b) => (b.retryAfterS > a.retryAfterS ? b : a));
  }

  private async check(l: LeasedLimiter, key: string, message: string): Promise<RateLimitedError | null> {
    try {
      await l.consume(key);
      return null;
    } catch (e) {
      if (e instanceof RateLimiterRes) return new RateLimitedError(`${message} Retry after ${seconds(e.msBeforeNext)} s.`, seconds(e.msBeforeNext));
      this.warnStoreDown(e, "authenticated call, let through");
      return null;
    }
  }

  /** One warning a minute at most: a store outage must show in the log without flooding it. */
  private warnStoreDown(e: unknown, what: string) {
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    console.warn(`[keyport] rate-limit store unreachable (${what}): ${messageOf(e)}`);
  }

  private tooManyFailures(ms: number): RateLimitedError {
    return new RateLimitedError(
      `Too many failed authentications from this address: the limit is ${this.config.failedAuthPerMinute} per minute. Retry after ${seconds(ms)} s.`,
      seconds(ms),
    );
  }
}

const leased = (l: RateLimiterPostgres | null, points: number) => (l ? new LeasedLimiter(l, points) : null);

/** A request the server did not stamp with its peer address shares one bucket ("unknown"). */
const addressKey = (ip: string | null) => ip ?? "unknown";

/**
 * A small pool of its own on DATABASE_URL (PostgreSQL or the embedded PGlite, which speaks the
 * same protocol): a slow count must not hold the connections Prisma's queries wait for. Short
 * timeouts so an unreachable store decides fail-open / fail-closed in seconds, not minutes.
 */
export function createRateLimitPool(connectionString = process.env.DATABASE_URL): pg.Pool {
  if (!connectionString) throw new Error("DATABASE_URL is not set.");
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 2000, query_timeout: 2000, allowExitOnIdle: true });
  // An idle connection that dies (database restart) is reported here; unhandled, it would end the process.
  pool.on("error", (e) => console.warn(`[keyport] rate-limit store: idle connection lost: ${messageOf(e)}`));
  return pool;
}

// On globalThis: Next.js may load this module more than once in one process.
const shared = globalThis as { __keyportApiRateLimits?: { limits: ApiRateLimits; pool: pg.Pool } };

/** The process's limits (created on first use, from the environment). */
export function apiRateLimits(): ApiRateLimits {
  if (!shared.__keyportApiRateLimits) {
    const config = rateLimitConfig();
    const pool = createRateLimitPool();
    shared.__keyportApiRateLimits = { limits: new ApiRateLimits(pool, config), pool };
  }
  return shared.__keyportApiRateLimits.limits;
}

/** Close the process's pool (tests, CLI). */
export async function closeApiRateLimits(): Promise<void> {
  const s = shared.__keyportApiRateLimits;
  shared.__keyportApiRateLimits = undefined;
  await s?.pool.end();
}
