// keyport jws verify: the verify tool from the CLI (a pasted HTTP request or a compact JWS), exit
// codes 0 / 1 / 2; and provider jws generate / retire.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import { opensslCompactJws, opensslFspiopRequest, opensslKey } from "@/lib/pki/jws/jws-test-helper";
import { makeWorld } from "@/lib/testing/world";
import { endorseJwsKey } from "@/lib/services/jws-keys/decide-jws-key";
import { uploadJwsKey } from "@/lib/services/jws-keys/upload-jws-key";
import { runCli } from "./run-cli";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keyport-jws-cli-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await disconnectDb();
});
function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, { migrate: async () => [] }).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
}
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe("keyport jws verify", () => {
  it("verifies an openssl-signed request and a compact JWS, and says why not", async () => {
    const w = await makeWorld();
    const key = opensslKey("p256");
    const up = await uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: key.publicPem });
    await endorseJwsKey(w.officer1.actor, up.id);
    const req = opensslFspiopRequest(key, { alg: "ES256" });
    const http = (body: string) => `POST /fspiop/transfers HTTP/1.1\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${body}`;
    const ok = await cli(["jws", "verify", "--env", w.env.code, "--org", w.orgA.code, "--request", file("ok.http", http(req.body))]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/VERIFIED: Verified with key/);
    const changed = await cli(["jws", "verify", "--env", w.env.code, "--org", w.orgA.code, "--request", file("bad.http", http(req.body.replace("EUR", "EUS"))), "--json"]);
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.out)).toMatchObject({ verified: false, reason: "body_changed" });
    const jws = opensslCompactJws(key, "ES256", { kid: up.kid }, "hello");
    expect((await cli(["jws", "verify", "--env", w.env.code, "--org", w.orgA.code, "--jws", file("c.jws", jws)])).code).toBe(0);
    const unknown = await cli(["jws", "verify", "--env", w.env.code, "--org", w.orgA.code, "--jws", file("u.jws", opensslCompactJws(key, "ES256", { kid: "other" }, "hello"))]);
    expect([unknown.code, /NOT VERIFIED \(unknown_kid\)/.test(unknown.out)]).toEqual([1, true]);
    expect((await cli(["jws", "verify", "--env", w.env.code])).code).toBe(2);
    const noOrg = await cli(["jws", "verify", "--env", w.env.code, "--jws", file("c2.jws", jws)]);
    expect([noOrg.code, noOrg.err]).toEqual([1, expect.stringMatching(/Name the organisation/)]);
  });

  it("env jws-algorithms narrows the policy (audited); provider jws generate prints the kid; retire sets the date", async () => {
    const w = await makeWorld();
    expect((await cli(["env", "jws-algorithms", "--code", w.env.code, "--algorithms", "ES256,RS512"])).code).toBe(1);
    const set = await cli(["env", "jws-algorithms", "--code", w.env.code, "--algorithms", "ES256"]);
    expect([set.code, set.err]).toEqual([0, `${w.env.code} allows ES256 for JWS keys.`]);
    expect((await cli(["provider", "jws", "generate", "--env", w.env.code])).err).toMatch(/RS256 is not allowed/);
    const gen = await cli(["provider", "jws", "generate", "--env", w.env.code, "--alg", "ES256"]);
    expect(gen.code).toBe(0);
    expect(gen.out).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const id = /\(id ([0-9a-f-]{36})\)/.exec(gen.err)![1];
    const retired = await cli(["provider", "jws", "retire", "--id", id, "--at", "now"]);
    expect(retired.code).toBe(0);
    expect((await cli(["provider", "jws", "retire", "--id", id, "--at", "now"])).code).toBe(1);
  });
});
