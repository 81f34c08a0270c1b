// Passkeys (WebAuthn) as a second factor (issue 20, item 3): register, list, remove, and the
// step-up verification that sensitive actions ask for (lib/auth/actor.ts stepUpDue). Options are
// made here and their challenge kept server-side (lib/auth/webauthn.ts); the browser's answer is
// verified by @simplewebauthn/server and only what it verified is stored.
import { generateAuthenticationOptions, generateRegistrationOptions, type AuthenticationResponseJSON, type RegistrationResponseJSON } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize, stepUpDue } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { consumeSecondFactor, mfaRequiredFor } from "@/lib/auth/mfa";
import { consumeAssertion, consumeChallenge, parseCredentialJson, relyingParty, storeChallenge, verifyRegistration } from "@/lib/auth/webauthn";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { lockUser } from "@/lib/services/users/user-ref";
import { assertId } from "@/lib/services/scope";

const selfOf = (actor: Actor) => {
  if (actor.type !== "user") throw new AppError("forbidden", "Only a signed-in user has a second factor.");
  return actor;
};
/** Adding a factor to an account that has one is itself sensitive: it needs a recent verification. */
const requireFreshVerification = (actor: Actor & { type: "user" }) => {
  if (stepUpDue(actor)) throw new AppError("forbidden", "Confirm it is you first: verify your second factor again on Account → Two-factor sign-in.");
};

/** Registration options for a new passkey of the signed-in user; the challenge is bound to this session. */
export async function startPasskeyRegistration(actor: Actor) {
  authorize(actor, "mfa:enroll");
  const me = selfOf(actor);
  requireFreshVerification(me);
  const rp = relyingParty();
  const db = getDb();
  const existing = await db.passkey.findMany({ where: { userId: me.userId }, select: { credentialId: true, transports: true } });
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: me.email,
    userDisplayName: me.name,
    userID: new TextEncoder().encode(me.userId),
    attestationType: "none",
    excludeCredentials: existing.map((k) => ({ id: k.credentialId, transports: k.transports })),
    // A passkey: discoverable, so the sign-in page can ask for one before it knows who is signing in.
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  await storeChallenge(db, { purpose: "register", challenge: options.challenge, sessionId: me.sessionId ?? null, userId: me.userId });
  return options;
}

const nameSchema = z.string().trim().min(1, "Give the passkey a name.").max(60, "At most 60 characters.");
const finishSchema = z.object({ response: z.string().min(1, "No answer from the authenticator."), name: nameSchema });

/** Verify the authenticator's answer and store the passkey; the first factor of a session that owed one verifies it. */
export async function finishPasskeyRegistration(actor: Actor, input: z.input<typeof finishSchema>) {
  authorize(actor, "mfa:enroll");
  const me = selfOf(actor);
  requireFreshVerification(me);
  const data = parseInput(finishSchema, input);
  const response = parseCredentialJson<RegistrationResponseJSON>(data.response);
  if (!response) throw new AppError("validation_failed", "The authenticator's answer could not be read.", { response: "Unreadable answer." });
  try {
    return await getDb().$transaction(async (tx) => {
      const user = await lockUser(tx, { id: me.userId });
      const challenge = await consumeChallenge(tx, { purpose: "register", userId: me.userId, sessionId: me.sessionId ?? null });
      if (!challenge) throw new AppError("conflict", "The passkey set-up expired or was already used. Start again.");
      const credential = await verifyRegistration(response, challenge);
      if (!credential) throw new AppError("validation_failed", "The authenticator's answer did not verify for this portal.", { response: "Not verified." });
      const key = await tx.passkey.create({
        data: { userId: user.id, credentialId: isoBase64URL.fromBuffer(isoBase64URL.toBuffer(credential.id)), publicKey: credential.publicKey, counter: BigInt(credential.counter), transports: credential.transports ?? [], name: data.name },
        select: { id: true, name: true },
      });
      if (me.sessionId) await tx.session.updateMany({ where: { id: me.sessionId, userId: user.id, endedAt: null }, data: { mfaAt: new Date() } });
      await recordAudit(tx, actor, { action: "mfa.passkey_added", orgId: user.orgId, targetType: "user", targetId: user.id, details: { passkey: key.id, name: key.name } });
      return key;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "This passkey is already registered.");
    throw e;
  }
}

/** The signed-in user's passkeys (never their keys). */
export async function listPasskeys(actor: Actor) {
  authorize(actor, "mfa:enroll");
  const me = selfOf(actor);
  return getDb().passkey.findMany({ where: { userId: me.userId }, select: { id: true, name: true, createdAt: true, lastUsedAt: true }, orderBy: { createdAt: "asc" } });
}

const removeSchema = z.object({ id: z.string() });

/** Remove one of the caller's own passkeys (needs a recent verification). The last second factor of a role that requires one stays. */
export async function removePasskey(actor: Actor, input: z.input<typeof removeSchema>) {
  authorize(actor, "mfa:enroll");
  const me = selfOf(actor);
  const data = parseInput(removeSchema, input);
  const id = assertId(data.id, "passkey");
  requireFreshVerification(me);
  return getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, { id: me.userId });
    const key = await tx.passkey.findFirst({ where: { id, userId: user.id } });
    if (!key) throw new AppError("not_found", `No passkey with id "${id}".`);
    const others = await tx.passkey.count({ where: { userId: user.id, id: { not: id } } });
    if (!others && !user.totpEnabledAt && mfaRequiredFor(user.role)) throw new AppError("conflict", "Your role requires a second factor: add another before removing this one.");
    await tx.passkey.delete({ where: { id } });
    await recordAudit(tx, actor, { action: "mfa.passkey_removed", orgId: user.orgId, targetType: "user", targetId: user.id, details: { passkey: id, name: key.name } });
    return { id, name: key.name };
  });
}

/** Options to verify again with a passkey (step-up); the challenge is bound to this session. */
export async function startPasskeyStepUp(actor: Actor) {
  authorize(actor, "mfa:enroll");
  const me = selfOf(actor);
  const db = getDb();
  const keys = await db.passkey.findMany({ where: { userId: me.userId }, select: { credentialId: true, transports: true } });
  if (!keys.length) throw new AppError("conflict", "You have no passkey: verify with your authenticator app's code.");
  const rp = relyingParty();
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: "preferred", allowCredentials: keys.map((k) => ({ id: k.credentialId, transports: k.transports as never })) });
  await storeChallenge(db, { purpose: "step-up", challenge: options.challenge, sessionId: me.sessionId ?? null, userId: me.userId });
  return options;
}

const stepUpSchema = z.object({ code: z.string().optional(), passkey: z.string().optional() }).refine((v) => !!v.code !== !!v.passkey, { message: "Give a code or use a passkey.", path: ["code"] });

/** Verify a second factor again (a TOTP or recovery code, or a passkey answer): the session counts as verified from now. */
export async function verifyStepUp(actor: Actor, input: z.input<typeof stepUpSchema>) {
  authorize(actor, "mfa:enroll");
  const me = selfOf(actor);
  const data = parseInput(stepUpSchema, input);
  return getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, { id: me.userId });
    let factor: "totp" | "recovery" | "passkey" | null = null;
    if (data.code) {
      factor = await consumeSecondFactor(tx, user, data.code);
    } else {
      const response = parseCredentialJson<AuthenticationResponseJSON>(data.passkey);
      const challenge = response ? await consumeChallenge(tx, { purpose: "step-up", userId: me.userId, sessionId: me.sessionId ?? null }) : null;
      factor = response && challenge && (await consumeAssertion(tx, user.id, response, challenge)) ? "passkey" : null;
    }
    if (!factor) {
      // The failure is audited outside this transaction (it rolls back): a refused check changes nothing else.
      throw new AppError("validation_failed", "That did not verify. Try the current code, or your passkey again.", { code: "Not verified." });
    }
    if (me.sessionId) await tx.session.updateMany({ where: { id: me.sessionId, userId: user.id, endedAt: null }, data: { mfaAt: new Date() } });
    await recordAudit(tx, actor, { action: "mfa.verified", orgId: user.orgId, targetType: "user", targetId: user.id, details: { factor, session: me.sessionId ?? null } });
    return { factor };
  });
}

/** Options for signing in with a passkey (second factor): anyone may ask; the challenge id goes into an httpOnly cookie. */
export async function startPasskeySignIn() {
  const rp = relyingParty();
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: "preferred" });
  const challengeId = await storeChallenge(getDb(), { purpose: "signin", challenge: options.challenge });
  return { options, challengeId };
}
