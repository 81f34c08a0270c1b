// Enrolling and resetting TOTP (issue 20, item 3). Enrolment is two steps: start (a fresh secret, sealed,
// shown once to load into an authenticator app) and confirm (a first code proves the app has it; then
// the second factor is on, ten recovery codes are shown once, and the current session counts as verified).
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize, stepUpDue } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { endUserSessions } from "@/lib/auth/sessions";
import { hashRecoveryCode, matchingStep, newRecoveryCodes, newTotpSecret, totpFor } from "@/lib/auth/mfa";
import { openTotpSecret, sealTotpSecret } from "@/lib/ca/totp-vault";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { lockUser, userRefSchema } from "@/lib/services/users/user-ref";

const selfOf = (actor: Actor) => {
  if (actor.type !== "user") throw new AppError("forbidden", "Only a signed-in user has a second factor.");
  return actor;
};

/** The signed-in user's second-factor state (never the secret). */
export async function getMfaStatus(actor: Actor) {
  authorize(actor, "mfa:enroll");
  const me = selfOf(actor);
  const user = await getDb().user.findUniqueOrThrow({
    where: { id: me.userId },
    select: {
      totpEnabledAt: true,
      _count: { select: { recoveryCodes: { where: { usedAt: null } } } },
      passkeys: { select: { id: true, name: true, createdAt: true, lastUsedAt: true }, orderBy: { createdAt: "asc" } },
    },
  });
  return { totpEnabledAt: user.totpEnabledAt, recoveryCodesLeft: user._count.recoveryCodes, passkeys: user.passkeys, pending: !!me.mfaPending, stepUpDue: stepUpDue(me) };
}

/** Start enrolment: a new secret replaces any unconfirmed one. Refused while a second factor is on (an admin resets it). */
export async function startTotpEnrollment(actor: Actor) {
  authorize(actor, "mfa:enroll");
  const me = selfOf(actor);
  // A user who has a passkey adds an app only after a recent verification (like any sensitive change).
  if (stepUpDue(me)) throw new AppError("forbidden", "Confirm it is you first: verify your second factor again.");
  const secret = newTotpSecret();
  const { sealed, keyId } = sealTotpSecret(secret.bytes, me.userId);
  await getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, { id: me.userId });
    if (user.totpEnabledAt) throw new AppError("conflict", "Two-factor sign-in is already on. An admin can reset it.");
    await tx.user.update({ where: { id: me.userId }, data: { totpSecret: sealed, totpKeyId: keyId, totpLastStep: null } });
    await recordAudit(tx, actor, { action: "mfa.totp_started", orgId: me.orgId, targetType: "user", targetId: me.userId, details: {} });
  });
  return { secret: secret.base32, uri: totpFor(secret.bytes, me.email).toString() };
}

const confirmSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, "Give the 6-digit code your authenticator app shows.") });

/** Confirm enrolment with a first code; returns the recovery codes (shown once). Marks the caller's session verified. */
export async function confirmTotpEnrollment(actor: Actor, input: z.input<typeof confirmSchema>) {
  authorize(actor, "mfa:enroll");
  const me = selfOf(actor);
  const data = parseInput(confirmSchema, input);
  const codes = newRecoveryCodes();
  await getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, { id: me.userId });
    if (user.totpEnabledAt) throw new AppError("conflict", "Two-factor sign-in is already on.");
    if (!user.totpSecret) throw new AppError("conflict", "Start the set-up first: no secret is waiting to be confirmed.");
    const step = matchingStep(openTotpSecret(user.totpSecret, user.id, user.totpKeyId), data.code);
    if (step === null) throw new AppError("validation_failed", "That code does not match. Check the time on your device and try the current code.", { code: "Wrong code." });
    await tx.user.update({ where: { id: user.id }, data: { totpEnabledAt: new Date(), totpLastStep: step } });
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.recoveryCode.createMany({ data: codes.map((c) => ({ userId: user.id, codeHash: hashRecoveryCode(c) })) });
    if (me.sessionId) await tx.session.updateMany({ where: { id: me.sessionId, userId: user.id, endedAt: null }, data: { mfaAt: new Date() } });
    await recordAudit(tx, actor, { action: "mfa.totp_enabled", orgId: user.orgId, targetType: "user", targetId: user.id, details: { recoveryCodes: codes.length } });
  });
  return { recoveryCodes: codes };
}

const resetSchema = z.object({ user: userRefSchema });

/** An admin (or the CLI) turns a user's second factors off (TOTP, recovery codes and every passkey): audited, and every session of the user ends. */
export async function resetSecondFactor(actor: Actor, input: z.input<typeof resetSchema>) {
  authorize(actor, "user:mfa-reset");
  const data = parseInput(resetSchema, input);
  return getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, data.user);
    const had = !!user.totpEnabledAt;
    const { count: passkeys } = await tx.passkey.deleteMany({ where: { userId: user.id } });
    await tx.user.update({ where: { id: user.id }, data: { totpSecret: null, totpKeyId: null, totpEnabledAt: null, totpLastStep: null } });
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    const sessionsEnded = await endUserSessions(tx, user.id, "mfa_reset");
    await recordAudit(tx, actor, {
      action: "mfa.reset",
      orgId: user.orgId,
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, before: { totp: had, passkeys }, after: { totp: false, passkeys: 0 }, sessionsEnded },
    });
    return { id: user.id, email: user.email, sessionsEnded };
  });
}
