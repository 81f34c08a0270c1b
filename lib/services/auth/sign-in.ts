// Sign-in with email and password (next-auth's credentials provider calls this). Order matters:
//  1. the attempt is counted against the account and the source IP before anything is verified
//     (lib/auth/throttle.ts), so a parallel burst gets no more verifications than the limits;
//  2. one verification per account at a time, across instances (a lease row);
//  3. the hash runs behind the process's small hashing limit (lib/auth/password.ts);
//  4. success opens a session row (lib/auth/sessions.ts) and writes the audit row in one
//     transaction; an old-format hash is replaced by today's.
// Every failure looks the same to the caller (one generic message); the audit row says which.
import { getDb } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { PasswordHashBusy, dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { leaseVerification, reserveAttempt, settleSuccess } from "@/lib/auth/throttle";
import { createSession } from "@/lib/auth/sessions";
import { consumeSecondFactor } from "@/lib/auth/mfa";
import { consumeAssertion, consumeChallenge, parseCredentialJson } from "@/lib/auth/webauthn";
import { localLoginAllowed } from "@/lib/auth/oidc";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Role } from "@/lib/auth/permissions";
import { findControlCharacter, printable } from "@/lib/control-characters";

export type SignedIn = { id: string; email: string; name: string; role: Role; orgId: string | null; sessionId: string };
type Failure = "invalid" | "throttled" | "busy" | "disabled" | "code_required" | "invalid_code" | "invalid_passkey" | "local_login_disabled";

const MAX_EMAIL = 320;
const MAX_PASSWORD = 200;

/**
 * `code`: the second factor of a user who enrolled one (a TOTP code or a recovery code); or
 * `passkey`: a WebAuthn assertion (JSON) answering the sign-in challenge whose id the browser's
 * cookie carries (`passkeyChallengeId`). A missing or wrong factor is a failed attempt like a wrong
 * password (counted by the same throttle, never settled).
 */
export async function signInWithPassword(input: { email: unknown; password: unknown; code?: unknown; passkey?: unknown; passkeyChallengeId?: string | null; ip: string | null }): Promise<SignedIn | null> {
  const typed = String(input.email ?? "").trim().toLowerCase();
  const password = String(input.password ?? "");
  if (!typed || !password || typed.length > MAX_EMAIL || password.length > MAX_PASSWORD) return null;
  // No account's email holds a control character; U+0000 could not even be looked up or
  // audited (PostgreSQL error 22021), so such an attempt is recorded with them escaped.
  const email = findControlCharacter(typed) ? printable(typed, MAX_EMAIL) : typed;
  const { ip } = input;
  const db = getDb();

  const fail = async (reason: Failure, orgId: string | null = null): Promise<null> => {
    await db.$transaction((tx) =>
      recordAudit(tx, { type: "anonymous", ip }, { action: "auth.signin_failed", orgId, details: { email, ip, reason } }),
    );
    return null;
  };

  if (!(await reserveAttempt(email, ip))) return fail("throttled");
  const release = await leaseVerification(email);
  if (!release) return fail("busy");

  let user;
  let ok: boolean;
  try {
    user = await db.user.findUnique({ where: { email } });
    ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  } catch (e) {
    await release();
    if (e instanceof PasswordHashBusy) return fail("busy", user?.orgId ?? null);
    throw e;
  }
  if (!user || !ok) {
    await release();
    return fail("invalid", user?.orgId ?? null);
  }
  const orgDisabled = user.orgId ? (await db.organisation.findUnique({ where: { id: user.orgId }, select: { disabled: true } }))?.disabled : false;
  if (user.disabled || orgDisabled) {
    await release();
    return fail("disabled", user.orgId);
  }
  if (!localLoginAllowed(user.role)) {
    await release();
    return fail("local_login_disabled", user.orgId);
  }
  let mfaAt: Date | null = null;
  let secondFactor: "totp" | "recovery" | "passkey" | null = null;
  const passkeys = await db.passkey.count({ where: { userId: user.id } });
  // A passkey answer that was sent must verify, even for a user who needs no second factor.
  if (user.totpEnabledAt || passkeys > 0 || input.passkey) {
    const enrolled = user;
    const assertion = input.passkey ? parseCredentialJson<AuthenticationResponseJSON>(input.passkey) : null;
    secondFactor = await db.$transaction(async (tx) => {
      if (!input.passkey) return consumeSecondFactor(tx, enrolled, input.code);
      const challenge = assertion && input.passkeyChallengeId ? await consumeChallenge(tx, { purpose: "signin", id: input.passkeyChallengeId }) : null;
      return assertion && challenge && (await consumeAssertion(tx, enrolled.id, assertion, challenge)) ? "passkey" : null;
    });
    if (!secondFactor) {
      await release();
      return fail(input.passkey ? "invalid_passkey" : input.code ? "invalid_code" : "code_required", user.orgId);
    }
    mfaAt = new Date();
  }

  await settleSuccess(email, ip);
  let rehashed: string | null = null;
  if (needsRehash(user.passwordHash)) rehashed = await hashPassword(password).catch(() => null); // busy: next time
  const signedIn = user;
  const sessionId = await db.$transaction(async (tx) => {
    if (rehashed) await tx.user.update({ where: { id: signedIn.id }, data: { passwordHash: rehashed } });
    const sid = await createSession(signedIn.id, ip, tx, { mfaAt });
    await recordAudit(
      tx,
      { type: "user", userId: signedIn.id, email: signedIn.email, name: signedIn.name, role: signedIn.role, orgId: signedIn.orgId, via: "web", ip },
      { action: "auth.signin", orgId: signedIn.orgId, targetType: "user", targetId: signedIn.id, details: { session: sid, secondFactor, ...(rehashed ? { passwordRehashed: true } : {}) } },
    );
    return sid;
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role, orgId: user.orgId, sessionId };
}
