import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { clearAccount, isThrottled, recordFailure } from "@/lib/auth/throttle";

afterAll(disconnectDb);

describe("sign-in throttling", () => {
  it("locks an account after 5 failures, whatever the source IP, and a success clears it", async () => {
    const email = `locked-${Date.now()}@x.test`;
    for (let i = 0; i < 4; i++) await recordFailure(email, `198.51.100.${i}`);
    expect(await isThrottled(email, "203.0.113.9")).toBe(false);
    await recordFailure(email, "198.51.100.99");
    expect(await isThrottled(email, "203.0.113.9")).toBe(true);
    await clearAccount(email);
    expect(await isThrottled(email, "203.0.113.9")).toBe(false);
  });

  it("locks a source IP after 20 failures across accounts, and counts concurrent failures exactly", async () => {
    const ip = `2001:db8::${Date.now() % 65535}`;
    await Promise.all(Array.from({ length: 20 }, (_, i) => recordFailure(`u${i}-${Date.now()}@x.test`, ip)));
    const row = await getDb().loginThrottle.findUniqueOrThrow({ where: { key: `ip:${ip}` } });
    expect(row.failures).toBe(20);
    expect(await isThrottled("someone-else@x.test", ip)).toBe(true);
  });
});
