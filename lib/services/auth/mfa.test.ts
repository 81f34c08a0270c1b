// TOTP second factor (issue 20, item 3): enrolment, sign-in with a code, a wrong and a replayed code
// refused (counted by the sign-in throttle), recovery codes once, a session that owes a factor reaches
// nothing else, an admin's reset ends the sessions. Real PostgreSQL, real otpauth codes.
import { afterAll, describe, expect, it } from "vitest";
import * as OTPAuth from "otpauth";
import { getDb, disconnectDb } from "@/lib/db/client";
import { CLI_ACTOR, type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { createSession, findOpenSession } from "@/lib/auth/sessions";
import { mfaRequiredFor } from "@/lib/auth/mfa";
import { makeUser, makeOrganisation } from "@/lib/testing/world";
import { signInWithPassword } from "./sign-in";
import { confirmTotpEnrollment, getMfaStatus, resetSecondFactor, startTotpEnrollment } from "./mfa-enrollment";
import { disableOrganisation } from "@/lib/services/organisations/set-organisation-disabled";

afterAll(disconnectDb);

const PASSWORD = "correct horse battery";
let ipSeq = 0;
const ip = () => `198.51.100.${(++ipSeq % 250) + 1}`;
const codeAt = (secret: string, offsetSteps = 0) => new OTPAuth.TOTP({ secret }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

async function enrolled(role: "officer" | "partner" = "officer") {
  const org = role === "partner" ? await makeOrganisation() : null;
  const u = await makeUser(role, org?.code);
  const sid = await createSession(u.id, null);
  const actor: Actor = { ...(u.actor as Actor & { type: "user" }), via: "web", sessionId: sid, mfaPending: mfaRequiredFor(role) };
  const { secret, uri } = await startTotpEnrollment(actor);
  expect(uri).toMatch(/^otpauth:\/\/totp\/Keyport:.*secret=/);
  const { recoveryCodes } = await confirmTotpEnrollment(actor, { code: codeAt(secret) });
  return { ...u, secret, recoveryCodes, sid, actor };
}

describe("TOTP", () => {
  it("enrolment: a wrong first code is refused; the right one turns it on, gives ten recovery codes and verifies the session", async () => {
    const u = await makeUser("officer");
    const sid = await createSession(u.id, null);
    const actor: Actor = { ...(u.actor as Actor & { type: "user" }), via: "web", sessionId: sid, mfaPending: true };
    // Owing a second factor, the session may do nothing but enrol.
    expect(() => authorize(actor, "request:decide")).toThrow(AppError);
    const { secret } = await startTotpEnrollment(actor);
    const wrong = codeAt(secret, 10);
    await expect(confirmTotpEnrollment(actor, { code: wrong })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(confirmTotpEnrollment(actor, { code: "12ab56" })).rejects.toMatchObject({ code: "validation_failed" });
    const { recoveryCodes } = await confirmTotpEnrollment(actor, { code: codeAt(secret) });
    expect(recoveryCodes).toHaveLength(10);
    expect((await findOpenSession(sid))?.mfaAt).toBeInstanceOf(Date);
    const row = await getDb().user.findUniqueOrThrow({ where: { id: u.id } });
    // Sealed at rest: the base32 secret's bytes are not in the column.
    expect(Buffer.from(row.totpSecret!).includes(Buffer.from(OTPAuth.Secret.fromBase32(secret).bytes))).toBe(false);
    expect(await getMfaStatus(actor)).toMatchObject({ recoveryCodesLeft: 10 });
    await expect(startTotpEnrollment(actor)).rejects.toMatchObject({ code: "conflict" });
  });

  it("sign-in needs the code once enrolled; a wrong code and a replayed code are refused, a recovery code works once", async () => {
    const u = await enrolled();
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, ip: ip() })).toBeNull();
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, code: codeAt(u.secret, 5), ip: ip() })).toBeNull();
    // The confirmation consumed the current step: the same code is a replay. The next step's code passes once.
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, code: codeAt(u.secret), ip: ip() })).toBeNull();
    const next = codeAt(u.secret, 1);
    const ok = await signInWithPassword({ email: u.email, password: PASSWORD, code: next, ip: ip() });
    expect(ok).not.toBeNull();
    expect((await findOpenSession(ok!.sessionId))?.mfaAt).toBeInstanceOf(Date);
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, code: next, ip: ip() })).toBeNull();
    const reasons = (await getDb().auditEvent.findMany({ where: { action: "auth.signin_failed", details: { path: ["email"], equals: u.email } }, orderBy: [{ at: "asc" }, { seq: { sort: "asc", nulls: "last" } }] })).map(
      (e) => (e.details as { reason: string }).reason,
    );
    expect(reasons).toEqual(["code_required", "invalid_code", "invalid_code", "invalid_code"]);
    const recovery = u.recoveryCodes[3];
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, code: recovery.toUpperCase(), ip: ip() })).not.toBeNull();
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, code: recovery, ip: ip() })).toBeNull();
  });

  it("wrong codes count against the same throttle as wrong passwords: after five, even the right code is refused", async () => {
    const u = await enrolled("partner");
    const from = ip();
    for (let i = 0; i < 5; i++) expect(await signInWithPassword({ email: u.email, password: PASSWORD, code: "000000", ip: from })).toBeNull();
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, code: codeAt(u.secret, 1), ip: ip() })).toBeNull();
    const last = await getDb().auditEvent.findFirstOrThrow({ where: { action: "auth.signin_failed" }, orderBy: [{ at: "desc" }, { seq: { sort: "desc", nulls: "first" } }] });
    expect(last.details).toMatchObject({ email: u.email, reason: "throttled" });
  });

  it("an admin's reset is audited, ends the user's sessions and lets them sign in with the password alone (then enrol again)", async () => {
    const u = await enrolled();
    const r = await resetSecondFactor(CLI_ACTOR, { user: { email: u.email } });
    expect(r.sessionsEnded).toBe(1);
    expect(await findOpenSession(u.sid)).toBeNull();
    const audit = await getDb().auditEvent.findFirstOrThrow({ orderBy: [{ at: "desc" }, { seq: { sort: "desc", nulls: "first" } }] });
    expect([audit.action, audit.details]).toEqual(["mfa.reset", expect.objectContaining({ before: { totp: true, passkeys: 0 }, after: { totp: false, passkeys: 0 } })]);
    const s = await signInWithPassword({ email: u.email, password: PASSWORD, ip: ip() });
    expect(s).not.toBeNull();
    expect((await findOpenSession(s!.sessionId))?.mfaAt).toBeNull();
    await expect(resetSecondFactor(u.actor, { user: { email: u.email } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a user of a disabled organisation cannot sign in", async () => {
    const org = await makeOrganisation();
    const u = await makeUser("partner", org.code);
    await disableOrganisation(CLI_ACTOR, { organisation: { code: org.code } });
    expect(await signInWithPassword({ email: u.email, password: PASSWORD, ip: ip() })).toBeNull();
  });

  it("officers and admins are required by default (KEYPORT_MFA_REQUIRED_ROLES), partners are not", () => {
    expect(["partner", "officer", "admin", "gateway"].map((r) => mfaRequiredFor(r as "partner", {}))).toEqual([false, true, true, false]);
    expect(mfaRequiredFor("officer", { KEYPORT_MFA_REQUIRED_ROLES: "none" })).toBe(false);
    expect(mfaRequiredFor("partner", { KEYPORT_MFA_REQUIRED_ROLES: "partner,officer" })).toBe(true);
  });
});
