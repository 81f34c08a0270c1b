import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/db/client";

// Sign-in throttling, stored in the database so it holds across instances.
// Per account: 5 attempts that did not succeed in 15 minutes lock the account for 15 minutes.
// Per source IP: 20 such attempts in 15 minutes lock the IP for 15 minutes.
//
// Each attempt is counted atomically BEFORE its password is verified (reserveAttempt, one
// statement per key): a burst of parallel attempts gets at most LIMIT verifications between
// them, however they interleave. A successful sign-in then clears the account's count and gives
// its slot back to the IP's (settleSuccess). Counting only after the hash, as before, let 30
// simultaneous attempts all pass the check while the first hashes were still running.
const WINDOW_MS = 15 * 60_000;
export const THROTTLE_LIMITS = { account: 5, ip: 20 } as const;

type Kind = keyof typeof THROTTLE_LIMITS;
const key = (kind: Kind, value: string) => `${kind}:${value.toLowerCase()}`;

/**
 * Count one attempt for the key; true when it may go on to the password check. The count
 * restarts when its window is over; the attempt past the limit locks the key for a window.
 */
async function reserve(kind: Kind, value: string, now: Date): Promise<boolean> {
  const k = key(kind, value);
  const windowStartsAfter = new Date(now.getTime() - WINDOW_MS);
  const lockUntil = new Date(now.getTime() + WINDOW_MS);
  const limit = THROTTLE_LIMITS[kind];
  const rows = await getDb().$queryRaw<{ failures: number; locked: boolean }[]>`
    INSERT INTO login_throttles (key, failures, window_start, locked_until)
    VALUES (${k}, 1, ${now}, NULL)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN login_throttles.window_start < ${windowStartsAfter} THEN 1 ELSE login_throttles.failures + 1 END,
      window_start = CASE WHEN login_throttles.window_start < ${windowStartsAfter} THEN ${now} ELSE login_throttles.window_start END,
      locked_until = CASE
        WHEN login_throttles.locked_until > ${now} THEN login_throttles.locked_until
        WHEN login_throttles.window_start >= ${windowStartsAfter} AND login_throttles.failures + 1 > ${limit} THEN ${lockUntil}
        ELSE NULL END
    RETURNING failures, (locked_until IS NOT NULL AND locked_until > ${now}) AS locked`;
  const row = rows[0];
  return !!row && !row.locked && row.failures <= limit;
}

/**
 * Count a sign-in attempt against the account and the source IP, atomically, before the password
 * is checked. False: refuse it without checking (the account or the IP is locked, or this attempt
 * is past the limit).
 */
export async function reserveAttempt(email: string, ip: string | null): Promise<boolean> {
  const now = new Date();
  // Both keys are always counted, so an attempt refused for the account still counts against the IP.
  const [account, byIp] = await Promise.all([reserve("account", email, now), ip ? reserve("ip", ip, now) : Promise.resolve(true)]);
  return account && byIp;
}

/** After a successful sign-in: the account starts afresh; the IP gets this attempt's slot back. */
export async function settleSuccess(email: string, ip: string | null): Promise<void> {
  const db = getDb();
  await db.loginThrottle.deleteMany({ where: { key: key("account", email) } });
  if (ip) await db.$executeRaw`UPDATE login_throttles SET failures = GREATEST(failures - 1, 0) WHERE key = ${key("ip", ip)}`;
}

/** Is the account or IP locked right now (without counting an attempt)? For tests and admin views. */
export async function isThrottled(email: string, ip: string | null): Promise<boolean> {
  const keys = [key("account", email), ...(ip ? [key("ip", ip)] : [])];
  const rows = await getDb().loginThrottle.findMany({ where: { key: { in: keys } } });
  const now = Date.now();
  return rows.some((r) => r.lockedUntil && r.lockedUntil.getTime() > now);
}

/** How long one verification may hold an account's lease (a crashed instance's lease lapses after this). */
const LEASE_MS = 15_000;

/**
 * Take the account's verification lease: at most one password verification per account runs at a
 * time, across instances. Returns a release function, or null when another verification holds it.
 * A row, not an advisory lock, so that no database connection is held while the hash runs.
 */
export async function leaseVerification(email: string): Promise<(() => Promise<void>) | null> {
  const k = key("account", email);
  const token = randomUUID();
  const now = new Date();
  const taken = await getDb().$executeRaw`
    UPDATE login_throttles SET verifying_until = ${new Date(now.getTime() + LEASE_MS)}, verifying_token = ${token}
    WHERE key = ${k} AND (verifying_until IS NULL OR verifying_until < ${now})`;
  if (taken !== 1) return null;
  return async () => {
    await getDb().$executeRaw`UPDATE login_throttles SET verifying_until = NULL, verifying_token = NULL WHERE key = ${k} AND verifying_token = ${token}`;
  };
}
