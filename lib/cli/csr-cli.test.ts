// The PKI commands of the admin CLI: csr check (exit codes, --json shape, private keys never
// echoed), profile import/export (field-level refusals, round trip) and ca init errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import { runCli } from "./run-cli";
import { makeEnvironment, makeOrganisation, opensslCsr, uniq } from "@/lib/testing/world";

let dir: string;
let org: { code: string; legalName: string };
let env: { code: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "keyport-cli-"));
  org = await makeOrganisation();
  env = await makeEnvironment();
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

const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe("keyport csr check", () => {
  it("exits 0 for an accepted CSR and prints { accepted, checks, csr } with --json", async () => {
    const csr = file("good.csr", opensslCsr(`/C=NO/O=${org.legalName}/CN=${org.code}-client`, { sans: "DNS:client.example,IP:203.0.113.5" }).csr);
    const r = await cli(["csr", "check", csr, "--org", org.code, "--env", env.code, "--json"]);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.accepted).toBe(true);
    expect(json.checks.every((c: { code: string; result: string; message: string }) => c.code && ["pass", "warn"].includes(c.result) && c.message)).toBe(true);
    expect(json.csr).toMatchObject({ subject: `C=NO, O=${org.legalName}, CN=${org.code}-client`, keyType: "ECDSA P-256" });
    expect(json.csr.sans).toEqual([
      { type: "dns", value: "client.example" },
      { type: "ip", value: "203.0.113.5" },
    ]);
    const text = await cli(["csr", "check", csr, "--org", org.code, "--env", env.code]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^PASS\s+key\.type/m);
    expect(text.out).toMatch(/Accepted under profile mtls-client/);
  });

  it("exits 1 naming the failing checks", async () => {
    const csr = file("weak.csr", opensslCsr("/CN=has space", { key: "rsa1024" }).csr);
    const r = await cli(["csr", "check", csr, "--org", org.code, "--env", env.code, "--json"]);
    expect(r.code).toBe(1);
    const failed = JSON.parse(r.out).checks.filter((c: { result: string }) => c.result === "fail").map((c: { code: string }) => c.code);
    expect(failed).toEqual(expect.arrayContaining(["key.type", "subject.CN"]));
  });

  it("refuses a private key with its own finding and never prints the key", async () => {
    const { key } = opensslCsr("/CN=x");
    const keyFile = file("oops.key", key);
    for (const json of [true, false]) {
      const r = await cli(["csr", "check", keyFile, "--org", org.code, "--env", env.code, ...(json ? ["--json"] : [])]);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/csr\.private_key/);
      for (const line of key.split("\n").filter((l) => l && !l.startsWith("-----"))) {
        expect(r.out + r.err).not.toContain(line);
      }
    }
  });

  it("exits 2 on usage errors, and with one line on unknown organisations, environments, profiles or files", async () => {
    const csr = file("u.csr", opensslCsr("/CN=u").csr);
    expect((await cli(["csr", "check", csr, "--env", env.code])).code).toBe(2);
    expect((await cli(["csr", "check", "--org", org.code, "--env", env.code])).code).toBe(2);
    expect((await cli(["csr", "check", csr, "--org", org.code, "--env", env.code, "--bogus"])).code).toBe(2);
    const unknown = await cli(["csr", "check", csr, "--org", "no-such-org", "--env", env.code]);
    expect(unknown.code).toBe(2);
    expect(unknown.err.split("\n")).toHaveLength(1);
    expect(unknown.err).toMatch(/no-such-org/);
    const noEnv = await cli(["csr", "check", csr, "--org", org.code, "--env", "NOPE"]);
    expect([noEnv.code, noEnv.err]).toEqual([2, expect.stringMatching(/NOPE/)]);
    const noProfile = await cli(["csr", "check", csr, "--org", org.code, "--env", env.code, "--profile", "nope"]);
    expect([noProfile.code, noProfile.err]).toEqual([2, expect.stringMatching(/nope/)]);
    const missing = await cli(["csr", "check", join(dir, "missing.csr"), "--org", org.code, "--env", env.code]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/);
  });

  it("rejects a file above 64 KiB with the too_large finding (exit 1)", async () => {
    const big = file("big.csr", "A".repeat(64 * 1024 + 1));
    const r = await cli(["csr", "check", big, "--org", org.code, "--env", env.code, "--json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ accepted: false, csr: null, checks: [{ code: "csr.too_large", result: "fail" }] });
    expect(out.checks[0].message).toMatch(/65,537 bytes; at most 65,536/);
    const huge = file("huge.bin", Buffer.alloc(2 * 1024 * 1024));
    const h = await cli(["csr", "check", huge, "--org", org.code, "--env", env.code]);
    expect([h.code, h.out]).toEqual([1, expect.stringMatching(/csr\.too_large.*2,097,152 bytes/)]);
  });
});

describe("database failures", () => {
  /** Run the CLI against another DATABASE_URL (a fresh client), then return to the run's database. */
  async function withDatabaseUrl<T>(url: string, fn: () => Promise<T>): Promise<T> {
    const saved = process.env.DATABASE_URL;
    await disconnectDb();
    process.env.DATABASE_URL = url;
    try {
      return await fn();
    } finally {
      await disconnectDb();
      process.env.DATABASE_URL = saved;
    }
  }

  it("print the reason in one line; csr check exits 2 (cannot check), other commands 1", async () => {
    const csr = file("db.csr", opensslCsr("/CN=db-check").csr);
    // Port 1 on loopback: nothing listens there (connection refused at once).
    const refused = await withDatabaseUrl("postgres://postgres@127.0.0.1:1/keyport", async () => ({
      check: await cli(["csr", "check", csr, "--org", org.code, "--env", env.code]),
      json: await cli(["csr", "check", csr, "--org", org.code, "--env", env.code, "--json"]),
      org: await cli(["org", "create", "--code", `o-${uniq()}`, "--name", "Some Org AS", "--email", "x@example.test"]),
    }));
    for (const [r, code] of [
      [refused.check, 2],
      [refused.json, 2],
      [refused.org, 1],
    ] as const) {
      expect(r.code).toBe(code);
      expect(r.out).toBe("");
      expect(r.err.split("\n")).toHaveLength(1);
      expect(r.err).toMatch(/cannot reach the database at 127\.0\.0\.1:1 \(connection refused\)/);
      expect(r.err).not.toMatch(/\bat .*\.ts:\d+|invocation/);
    }
    expect(refused.check.err).toMatch(/^keyport csr check: cannot check the CSR: cannot reach/);

    // A database that does not exist, on the run's own server (PGlite serves any name: skip there).
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/keyport_missing_${uniq()}`;
    const missing = await withDatabaseUrl(url.toString(), () => cli(["csr", "check", csr, "--org", org.code, "--env", env.code]));
    if (process.env.TEST_DATABASE_URL) {
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(new RegExp(`^keyport csr check: cannot check the CSR: database "${url.pathname.slice(1)}" does not exist`));
      expect(missing.err.split("\n")).toHaveLength(1);
    }
    // And back on the run's database, the same check works.
    expect((await cli(["csr", "check", csr, "--org", org.code, "--env", env.code])).code).toBe(0);
  });
});

describe("keyport profile import/export", () => {
  it("round-trips a profile and refuses a malformed one naming the field", async () => {
    const code = `p-${uniq()}`;
    const profile = {
      code,
      name: "TSH mTLS client",
      environments: [env.code],
      subject: { CN: { required: true, pattern: "TLSMA-{keyType}/{org}/TSH/TSP.{env}" }, O: { required: true, equals: "{orgName}" }, C: { required: false, pattern: "[A-Z]{2}" } },
      keys: ["rsa-4096", "ecdsa-p256"],
      signatureHashes: ["sha256"],
      san: "forbid",
      extendedKeyUsage: ["clientAuth"],
      validityDays: 365,
    };
    const imported = await cli(["profile", "import", file("p.json", JSON.stringify(profile))]);
    expect(imported.code, imported.err).toBe(0);
    const exported = await cli(["profile", "export", code]);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.out)).toMatchObject(profile);
    // Exactly as imported, subject rules in the profile's order (not re-sorted by the database).
    expect(JSON.stringify(JSON.parse(exported.out))).toBe(JSON.stringify(profile));

    // The profile drives the checks: the CN pattern with placeholders substituted.
    const good = file("tsh.csr", opensslCsr(`/C=NO/O=${org.legalName}/CN=TLSMA-ECDSA\\/${org.code}\\/TSH\\/TSP.${env.code}`).csr);
    const checked = await cli(["csr", "check", good, "--org", org.code, "--env", env.code, "--profile", code, "--json"]);
    expect(checked.code, checked.out + checked.err).toBe(0);

    const bad = await cli(["profile", "import", file("bad.json", JSON.stringify({ ...profile, keys: ["rsa-1024"] }))]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/keys/);
    const unknownEnv = await cli(["profile", "import", file("env.json", JSON.stringify({ ...profile, environments: [env.code, "NOSUCHENV"] }))]);
    expect([unknownEnv.code, unknownEnv.err]).toEqual([1, expect.stringMatching(/environments\[1\]: no environment with code "NOSUCHENV"/)]);
    const notJson = await cli(["profile", "import", file("nj.json", "{ nope")]);
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/not valid JSON/);
    expect((await cli(["profile", "export", "no-such-profile"])).code).toBe(1);
    expect(readFileSync(join(dir, "p.json"), "utf8")).toContain(code);
  });
});

describe("keyport ca init", () => {
  it("refuses a second CA for an environment and an unknown key type", async () => {
    const again = await cli(["ca", "init", "--env", env.code]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already has a CA/);
    const badKey = await cli(["ca", "init", "--env", env.code, "--key", "dsa-1024"]);
    expect(badKey.code).toBe(1);
    expect(badKey.err).toMatch(/ecdsa-p256/);
    expect((await cli(["ca", "init"])).code).toBe(2);
  });
});
