// Sign-in under pressure (issue 14, findings 2, 3 and 6), on real PostgreSQL.
import { randomBytes, scryptSync } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { signInWithPassword } from "@/lib/services/auth/sign-in";
import { isThrottled, THROTTLE_LIMITS } from "@/lib/auth/throttle";
import { PasswordHashBusy, hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { makeUser, uniq } from "@/lib/testing/world";

afterAll(disconnectDb);

const PASSWORD = "correct horse battery"; // makeUser's
const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
const openSessions = (userId: string) => getDb().session.count({ where: { userId, endedAt: null } });
const failures = async (email: string) =>
  (await getDb().auditEvent.findMany({ where: { action: "auth.signin_failed" }, select: { details: true } }))
    .map((e) => e.details as { email?: string; reason?: string })
    .filter((d) => d.email === email)
    .map((d) => d.reason);

describe("sign-in throttle under a parallel burst", () => {
  it("30 simultaneous attempts, 29 wrong then the right one, open no session", async () => {
    const user = await makeUser("officer");
    const from = `2001:db8::${uniq()}`.replace(/[^0-9a-f:]/g, "a");
    const attempts = [...Array.from({ length: 29 }, (_, i) => `wrong password ${i}`), PASSWORD].map((password) =>
      signInWithPassword({ email: user.email, password, ip: from }),
    );
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toEqual([]);
    expect(await openSessions(user.id)).toBe(0);
    // Every attempt was counted and refused or failed; the account is locked now.
    const reasons = await failures(user.email);
    expect(reasons).toHaveLength(30);
    expect(reasons.filter((r) => r === "invalid").length).toBeLessThanOrEqual(THROTTLE_LIMITS.account);
    expect(await isThrottled(user.email, null)).toBe(true);
    // ... and stays locked for the right password too.
    expect(await signInWithPassword({ email: user.email, password: PASSWORD, ip: ip() })).toBeNull();
  });

  it("lets at most one verification per account run at a time", async () => {
    const user = await makeUser("gateway");
    const results = await Promise.all([0, 1, 2].map(() => signInWithPassword({ email: user.email, password: PASSWORD, ip: ip() })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await failures(user.email)).toEqual(["busy", "busy"]);
    expect(await openSessions(user.id)).toBe(1);
  });

  it("locks a source IP after 20 failed attempts across accounts, right password or not", async () => {
    const from = ip().replace("198.51.100", "203.0.113");
    for (let i = 0; i < THROTTLE_LIMITS.ip; i++) {
      expect(await signInWithPassword({ email: `nobody-${uniq()}@x.test`, password: "nope", ip: from })).toBeNull();
    }
    const user = await makeUser("gateway");
    expect(await signInWithPassword({ email: user.email, password: PASSWORD, ip: from })).toBeNull();
    expect(await failures(user.email)).toEqual(["throttled"]);
  });

  it("does not count successful sign-ins against the IP (an office behind one address)", async () => {
    const from = ip().replace("198.51.100", "192.0.2");
    const user = await makeUser("gateway");
    for (let i = 0; i < THROTTLE_LIMITS.ip + 5; i++) {
      expect(await signInWithPassword({ email: user.email, password: PASSWORD, ip: from })).toMatchObject({ id: user.id });
    }
  });
});

describe("password hashes", () => {
  it("writes argon2id and replaces an old scrypt hash at the next successful sign-in", async () => {
    const user = await makeUser("officer");
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    const salt = randomBytes(16);
    const legacy = ["scrypt", 2 ** 14, 8, 1, salt.toString("base64"), scryptSync(PASSWORD, salt, 32, { N: 2 ** 14, r: 8, p: 1 }).toString("base64")].join("$");
    await getDb().user.update({ where: { id: user.id }, data: { passwordHash: legacy } });
    expect(needsRehash(legacy)).toBe(true);
    expect(await signInWithPassword({ email: user.email, password: PASSWORD, ip: ip() })).toMatchObject({ id: user.id });
    const after = (await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    expect(after).toMatch(/^\$argon2id\$/);
    expect(needsRehash(after)).toBe(false);
    expect(await signInWithPassword({ email: user.email, password: PASSWORD, ip: ip() })).toMatchObject({ id: user.id });
  });

  it("refuses stored scrypt parameters above the old cost instead of running them", async () => {
    const salt = randomBytes(16).toString("base64");
    expect(await verifyPassword("x", ["scrypt", 2 ** 20, 8, 1, salt, randomBytes(32).toString("base64")].join("$"))).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
    expect(await verifyPassword("x", "$argon2id$v=19$m=19456,t=2,p=1$bad")).toBe(false);
  });

  it("runs hashes behind a bounded queue: past it, work is refused at once rather than piled up", async () => {
    const hash = await hashPassword("x");
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => verifyPassword("x", hash)));
    const busy = results.filter((r) => r.status === "rejected" && r.reason instanceof PasswordHashBusy).length;
    expect(busy).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === "fulfilled" && r.value === true).length).toBe(60 - busy);
  });
});
