// Sign-in through next-auth's credentials provider: success and failure are both in the
// audit trail with the caller's source IP; a failure names no actor ("anonymous").
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { authOptions } from "@/lib/auth/options";
import { makeUser } from "@/lib/testing/world";
import { PEER_HEADER, peerHeaderValue } from "@/lib/auth/client-ip";

afterAll(disconnectDb);

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

describe("sign-in audit", () => {
  it("records a failed sign-in as anonymous with the source IP, and a success as the user", async () => {
    const user = await makeUser("officer");
    const headers = { [PEER_HEADER]: peerHeaderValue("198.51.100.23"), "x-forwarded-for": "203.0.113.99" };
    expect(await authorize({ email: user.email, password: "wrong password" }, { headers })).toBeNull();
    const failed = await getDb().auditEvent.findFirstOrThrow({ where: { action: "auth.signin_failed" }, orderBy: [{ at: "desc" }, { seq: { sort: "desc", nulls: "first" } }] });
    expect(failed).toMatchObject({ actorId: null, actorEmail: "anonymous", sourceIp: "198.51.100.23", details: { email: user.email } });

    expect(await authorize({ email: user.email, password: "correct horse battery" }, { headers })).toMatchObject({ id: user.id });
    const ok = await getDb().auditEvent.findFirstOrThrow({ where: { action: "auth.signin" }, orderBy: [{ at: "desc" }, { seq: { sort: "desc", nulls: "first" } }] });
    expect(ok).toMatchObject({ actorId: user.id, actorEmail: user.email, sourceIp: "198.51.100.23" });
  });
});
