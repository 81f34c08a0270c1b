// Browser sessions, one database row each (model Session). next-auth's JWT cookie carries the
// row's id ("sid") and nothing else decides whether it is valid: every request reads the row, so
// ending a session — sign-out, a password reset, an admin ending a user's sessions, a disabled
// account — takes effect at once on every instance. A JWT without a sid (issued before sessions
// existed) opens nothing.
import { getDb, type Tx } from "@/lib/db/client";

const minutes = (name: string, fallback: number, max: number): number => {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be a whole number of minutes between 1 and ${max}; got "${raw}".`);
  return n;
};

/** Absolute lifetime of a session (KEYPORT_SESSION_MAX_MINUTES, default 8 hours). */
export const sessionMaxMinutes = () => minutes("KEYPORT_SESSION_MAX_MINUTES", 8 * 60, 7 * 24 * 60);
/** A session unused for this long ends (KEYPORT_SESSION_IDLE_MINUTES, default 30). */
export const sessionIdleMinutes = () => minutes("KEYPORT_SESSION_IDLE_MINUTES", 30, 24 * 60);

/** lastSeenAt is written at most this often per session (the idle timeout is measured to this precision). */
const TOUCH_EVERY_MS = 60_000;

export type SessionEndReason = "idle" | "signout" | "password_reset" | "ended_by_admin" | "disabled" | "role_changed" | "org_changed" | "org_disabled" | "mfa_reset";

export async function createSession(userId: string, sourceIp: string | null, db: Pick<Tx, "session"> = getDb(), opts: { mfaAt?: Date | null } = {}): Promise<string> {
  const now = new Date();
  const { id } = await db.session.create({
    data: { userId, sourceIp, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + sessionMaxMinutes() * 60_000), mfaAt: opts.mfaAt ?? null },
    select: { id: true },
  });
  return id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The session's user when the session is open: not ended, not past its lifetime, used within the
 * idle timeout, and its user enabled. Refreshes lastSeenAt (at most once a minute). Null otherwise.
 */
export async function findOpenSession(sid: unknown) {
  if (typeof sid !== "string" || !UUID.test(sid)) return null;
  const db = getDb();
  const row = await db.session.findUnique({ where: { id: sid }, include: { user: { include: { org: { select: { disabled: true } }, _count: { select: { passkeys: true } } } } } });
  // A disabled user, or a user of a disabled organisation, has no open session (lib/services/users/set-user-disabled.ts).
  if (!row || row.endedAt || row.user.disabled || row.user.org?.disabled) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) return null;
  if (now - row.lastSeenAt.getTime() > sessionIdleMinutes() * 60_000) {
    await db.session.updateMany({ where: { id: sid, endedAt: null }, data: { endedAt: new Date(now), endReason: "idle" } });
    return null;
  }
  if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.updateMany({ where: { id: sid, endedAt: null }, data: { lastSeenAt: new Date(now) } });
  }
  return { sessionId: row.id, user: row.user, mfaAt: row.mfaAt, passkeys: row.user._count.passkeys };
}

/** End one session (sign-out). Returns the user it belonged to, when it was open. */
export async function endSession(sid: unknown, reason: SessionEndReason, db: Pick<Tx, "session"> = getDb()): Promise<string | null> {
  if (typeof sid !== "string" || !UUID.test(sid)) return null;
  const row = await db.session.findUnique({ where: { id: sid }, select: { userId: true, endedAt: true } });
  if (!row || row.endedAt) return null;
  await db.session.updateMany({ where: { id: sid, endedAt: null }, data: { endedAt: new Date(), endReason: reason } });
  return row.userId;
}

/** End every open session of a user, in the caller's transaction; returns how many were open. */
export async function endUserSessions(db: Pick<Tx, "session">, userId: string, reason: SessionEndReason): Promise<number> {
  const { count } = await db.session.updateMany({ where: { userId, endedAt: null }, data: { endedAt: new Date(), endReason: reason } });
  return count;
}
