import { getDb } from "@/lib/db/client";

// Sign-in throttling, stored in the database so it holds across instances.
// Per account: 5 failures in 15 minutes lock the account for 15 minutes.
// Per source IP: 20 failures in 15 minutes lock the IP for 15 minutes.
const WINDOW_MS = 15 * 60_000;
const LIMITS = { account: 5, ip: 20 } as const;

type Kind = keyof typeof LIMITS;
const key = (kind: Kind, value: string) => `${kind}:${value.toLowerCase()}`;

export async function isThrottled(email: string, ip: string | null): Promise<boolean> {
  const keys = [key("account", email), ...(ip ? [key("ip", ip)] : [])];
  const rows = await getDb().loginThrottle.findMany({ where: { key: { in: keys } } });
  const now = Date.now();
  return rows.some((r) => r.lockedUntil && r.lockedUntil.getTime() > now);
}

async function bump(kind: Kind, value: string): Promise<void> {
  const k = key(kind, value);
  const now = new Date();
  // One statement: concurrent failures cannot lose a count.
  await getDb().$executeRaw`
    INSERT INTO login_throttles (key, failures, window_start, locked_until)
    VALUES (${k}, 1, ${now}, NULL)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN login_throttles.window_start < ${new Date(now.getTime() - WINDOW_MS)} THEN 1 ELSE login_throttles.failures + 1 END,
      window_start = CASE WHEN login_throttles.window_start < ${new Date(now.getTime() - WINDOW_MS)} THEN ${now} ELSE login_throttles.window_start END`;
  await getDb().$executeRaw`
    UPDATE login_throttles SET locked_until = ${new Date(now.getTime() + WINDOW_MS)}
    WHERE key = ${k} AND failures >= ${LIMITS[kind]} AND (locked_until IS NULL OR locked_until < ${now})`;
}

export async function recordFailure(email: string, ip: string | null): Promise<void> {
  await bump("account", email);
  if (ip) await bump("ip", ip);
}

export async function clearAccount(email: string): Promise<void> {
  await getDb().loginThrottle.deleteMany({ where: { key: key("account", email) } });
}
