// Sessions end when they must, at once (issue 14, finding 6), on real PostgreSQL.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { endSession, findOpenSession } from "@/lib/auth/sessions";
import { signInWithPassword } from "@/lib/services/auth/sign-in";
import { setUserPassword } from "@/lib/services/users/set-password";
import { endSessionsOfUser } from "@/lib/services/users/end-sessions";
import { makeUser } from "@/lib/testing/world";
import { runCli } from "@/lib/cli/run-cli";

afterAll(disconnectDb);

async function signIn(email: string) {
  const r = await signInWithPassword({ email, password: "correct horse battery", ip: "192.0.2.10" });
  if (!r) throw new Error("sign-in failed");
  return r.sessionId;
}

describe("sessions", () => {
  it("sign-out ends the session; the same sid opens nothing afterwards", async () => {
    const user = await makeUser("officer");
    const sid = await signIn(user.email);
    expect(await findOpenSession(sid)).toMatchObject({ user: { id: user.id } });
    expect(await endSession(sid, "signout")).toBe(user.id);
    expect(await findOpenSession(sid)).toBeNull();
    expect(await endSession(sid, "signout")).toBeNull();
  });

  it("a password reset ends every session of the user and says how many in the audit row", async () => {
    const user = await makeUser("officer");
    const [a, b] = [await signIn(user.email), await signIn(user.email)];
    await setUserPassword(CLI_ACTOR, { email: user.email, password: "another long password" });
    expect(await findOpenSession(a)).toBeNull();
    expect(await findOpenSession(b)).toBeNull();
    const row = await getDb().auditEvent.findFirstOrThrow({ where: { action: "user.password_reset", targetId: user.id } });
    expect(row.details).toMatchObject({ sessionsEnded: 2 });
  });

  it("an admin ends a user's sessions (audited); other users' sessions stay open", async () => {
    const [user, other] = [await makeUser("officer"), await makeUser("officer")];
    const [mine, theirs] = [await signIn(user.email), await signIn(other.email)];
    const admin = await makeUser("admin");
    expect(await endSessionsOfUser(admin.actor, { email: user.email })).toEqual({ email: user.email, ended: 1 });
    expect(await findOpenSession(mine)).toBeNull();
    expect(await findOpenSession(theirs)).not.toBeNull();
    await expect(endSessionsOfUser(other.actor, { email: user.email })).rejects.toMatchObject({ code: "forbidden" });
    expect(await getDb().auditEvent.count({ where: { action: "user.sessions_ended", targetId: user.id } })).toBe(1);
  });

  it("keyport user sessions end --email signs the user out everywhere", async () => {
    const user = await makeUser("officer");
    const sid = await signIn(user.email);
    const err: string[] = [];
    const code = await runCli(["user", "sessions", "end", "--email", user.email], { out: () => {}, err: (s) => err.push(s) }, { migrate: async () => [] });
    expect(code).toBe(0);
    expect(err.join("\n")).toContain(`Ended 1 open session(s) of ${user.email}.`);
    expect(await findOpenSession(sid)).toBeNull();
  });

  it("an idle session ends after the idle timeout, a session past its lifetime too, a disabled user's at once", async () => {
    const user = await makeUser("officer");
    const idle = await signIn(user.email);
    await getDb().session.update({ where: { id: idle }, data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
    expect(await findOpenSession(idle)).toBeNull();
    expect(await getDb().session.findUniqueOrThrow({ where: { id: idle } })).toMatchObject({ endReason: "idle" });

    const old = await signIn(user.email);
    await getDb().session.update({ where: { id: old }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await findOpenSession(old)).toBeNull();

    const live = await signIn(user.email);
    await getDb().user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await findOpenSession(live)).toBeNull();
  });

  it("a token without a session id, or with a malformed one, opens nothing", async () => {
    expect(await findOpenSession(undefined)).toBeNull();
    expect(await findOpenSession("not-a-uuid")).toBeNull();
    expect(await findOpenSession("00000000-0000-4000-8000-000000000000")).toBeNull();
  });
});
