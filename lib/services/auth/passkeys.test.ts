// Passkeys (issue 20, item 3): the WebAuthn ceremonies against a software authenticator
// (lib/testing/soft-authenticator.ts) verified by @simplewebauthn/server — registration bound to
// the session and single use, sign-in with a passkey as the second factor (a stale counter, a
// replayed challenge, another user's or a removed passkey refused), step-up for sensitive
// actions, and an admin's reset removing passkeys and ending sessions. Real PostgreSQL.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { CLI_ACTOR, type Actor, authorize, stepUpDue } from "@/lib/auth/actor";
import { createSession, findOpenSession } from "@/lib/auth/sessions";
import { relyingParty } from "@/lib/auth/webauthn";
import { makeOrganisation, makeUser } from "@/lib/testing/world";
import { softAuthenticator } from "@/lib/testing/soft-authenticator";
import { signInWithPassword } from "./sign-in";
import { resetSecondFactor } from "./mfa-enrollment";
import { finishPasskeyRegistration, listPasskeys, removePasskey, startPasskeyRegistration, startPasskeySignIn, startPasskeyStepUp, verifyStepUp } from "./passkeys";

afterAll(disconnectDb);

const PASSWORD = "correct horse battery";
let ipSeq = 0;
const ip = () => `198.51.101.${(++ipSeq % 250) + 1}`;

async function webUser(role: "officer" | "partner" = "officer") {
  const u = await makeUser(role, role === "partner" ? (await makeOrganisation()).code : undefined);
  const sid = await createSession(u.id, null);
  const actor: Actor & { type: "user" } = { ...(u.actor as Actor & { type: "user" }), via: "web", sessionId: sid };
  return { ...u, sid, actor };
}

async function withPasskey(role: "officer" | "partner" = "officer") {
  const u = await webUser(role);
  const auth = softAuthenticator({ rpId: relyingParty().id, origin: relyingParty().origin });
  const options = await startPasskeyRegistration(u.actor);
  expect(options.rp.id).toBe(relyingParty().id);
  expect(options.authenticatorSelection?.residentKey).toBe("required");
  await finishPasskeyRegistration(u.actor, { response: auth.register(options.challenge), name: "Laptop" });
  return { ...u, auth };
}

async function passkeySignIn(email: string, answer: (challenge: string) => string, o: { challengeId?: string } = {}) {
  const { options, challengeId } = await startPasskeySignIn();
  return signInWithPassword({ email, password: PASSWORD, passkey: answer(options.challenge), passkeyChallengeId: o.challengeId ?? challengeId, ip: ip() });
}

describe("passkeys", () => {
  it("registration: verified, stored, listed; the challenge is single use and bound to the session that asked", async () => {
    const u = await webUser();
    const auth = softAuthenticator({ rpId: relyingParty().id, origin: relyingParty().origin });
    const options = await startPasskeyRegistration(u.actor);
    // Another session of the same user cannot answer it.
    const other = { ...u.actor, sessionId: await createSession(u.id, null) };
    await expect(finishPasskeyRegistration(other, { response: auth.register(options.challenge), name: "X" })).rejects.toMatchObject({ code: "conflict" });
    // A wrong origin does not verify.
    const phishing = softAuthenticator({ rpId: "evil.test", origin: "https://evil.test" });
    const o2 = await startPasskeyRegistration(u.actor);
    await expect(finishPasskeyRegistration(u.actor, { response: phishing.register(o2.challenge), name: "X" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(finishPasskeyRegistration(u.actor, { response: "{not json", name: "X" })).rejects.toMatchObject({ code: "validation_failed" });
    const o3 = await startPasskeyRegistration(u.actor);
    const answer = auth.register(o3.challenge);
    const key = await finishPasskeyRegistration(u.actor, { response: answer, name: "Laptop" });
    // Used once: the same answer again finds no challenge.
    await expect(finishPasskeyRegistration(u.actor, { response: answer, name: "Again" })).rejects.toMatchObject({ code: "conflict" });
    expect((await listPasskeys(u.actor)).map((k) => k.id)).toEqual([key.id]);
    expect((await findOpenSession(u.sid))?.mfaAt).toBeInstanceOf(Date);
    const audit = await getDb().auditEvent.findFirst({ where: { action: "mfa.passkey_added", targetId: u.id } });
    expect(audit).not.toBeNull();
  });

  it("sign-in: a passkey is the second factor; password alone, a stale counter, a replayed challenge and another user's passkey are refused", async () => {
    const u = await withPasskey();
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, ip: ip() })).toBeNull();
    const ok = await passkeySignIn(u.email, (c) => u.auth.assert(c));
    expect(ok).toMatchObject({ id: u.id });
    expect((await findOpenSession(ok!.sessionId))?.mfaAt).toBeInstanceOf(Date);
    // The same challenge twice: the second is refused.
    const { options, challengeId } = await startPasskeySignIn();
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, passkey: u.auth.assert(options.challenge), passkeyChallengeId: challengeId, ip: ip() })).not.toBeNull();
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, passkey: u.auth.assert(options.challenge), passkeyChallengeId: challengeId, ip: ip() })).toBeNull();
    // A counter that goes back (a cloned authenticator) is refused.
    u.auth.setCounter(0);
    expect(await passkeySignIn(u.email, (c) => u.auth.assert(c))).toBeNull();
    u.auth.setCounter(100);
    expect(await passkeySignIn(u.email, (c) => u.auth.assert(c))).not.toBeNull();
    // Another user's passkey does not sign this user in; a garbage answer is a failure, not a throw.
    const v = await withPasskey();
    expect(await passkeySignIn(u.email, (c) => v.auth.assert(c))).toBeNull();
    expect(await passkeySignIn(u.email, () => "garbage")).toBeNull();
    expect(await passkeySignIn(u.email, (c) => u.auth.assert(c), { challengeId: "not-a-uuid" })).toBeNull();
    const failures = await getDb().auditEvent.count({ where: { action: "auth.signin_failed", details: { path: ["email"], equals: u.email } } });
    expect(failures).toBeGreaterThanOrEqual(5);
  });

  it("a removed passkey no longer signs in; the last factor of a role that requires one stays", async () => {
    const u = await withPasskey("partner");
    const [key] = await listPasskeys(u.actor);
    const fresh = { ...u.actor, hasSecondFactor: true, mfaAt: new Date() };
    await removePasskey(fresh, { id: key.id });
    expect(await passkeySignIn(u.email, (c) => u.auth.assert(c))).toBeNull();
    const o = await withPasskey("officer");
    const [okey] = await listPasskeys(o.actor);
    await expect(removePasskey({ ...o.actor, hasSecondFactor: true, mfaAt: new Date() }, { id: okey.id })).rejects.toMatchObject({ code: "conflict" });
    await expect(removePasskey(fresh, { id: okey.id })).rejects.toMatchObject({ code: "not_found" });
  });

  it("step-up: sensitive actions need a verification within the last minutes; a passkey or a code renews it", async () => {
    const u = await withPasskey();
    const stale: Actor = { ...u.actor, hasSecondFactor: true, mfaAt: new Date(Date.now() - 11 * 60_000) };
    expect(stepUpDue(stale)).toBe(true);
    expect(() => authorize(stale, "request:decide")).toThrow(/Confirm it is you/);
    expect(() => authorize(stale, "request:read")).not.toThrow();
    expect(() => authorize({ ...stale, mfaAt: new Date() }, "request:decide")).not.toThrow();
    // A user without a second factor and API tokens are not asked.
    expect(stepUpDue({ ...stale, hasSecondFactor: false })).toBe(false);
    expect(stepUpDue({ ...stale, via: "api" })).toBe(false);
    // Removing a passkey is refused until verified again.
    const [key] = await listPasskeys(u.actor);
    await expect(removePasskey(stale, { id: key.id })).rejects.toMatchObject({ code: "forbidden" });
    await getDb().session.update({ where: { id: u.sid }, data: { mfaAt: null } });
    const options = await startPasskeyStepUp(u.actor);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([u.auth.credentialId]);
    await expect(verifyStepUp(u.actor, { passkey: "{}" })).rejects.toMatchObject({ code: "validation_failed" });
    const o2 = await startPasskeyStepUp(u.actor);
    expect(await verifyStepUp(u.actor, { passkey: u.auth.assert(o2.challenge) })).toEqual({ factor: "passkey" });
    expect((await findOpenSession(u.sid))?.mfaAt).toBeInstanceOf(Date);
  });

  it("an admin's reset removes the passkeys and ends the sessions", async () => {
    const u = await withPasskey();
    const r = await resetSecondFactor(CLI_ACTOR, { user: { id: u.id } });
    expect(r.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect(await getDb().passkey.count({ where: { userId: u.id } })).toBe(0);
    expect(await findOpenSession(u.sid)).toBeNull();
    const audit = await getDb().auditEvent.findFirst({ where: { action: "mfa.reset", targetId: u.id } });
    expect(audit?.details).toMatchObject({ before: { passkeys: 1 }, after: { passkeys: 0 } });
  });
});
