import { afterAll, describe, expect, it } from "vitest";
import { getDb, disconnectDb } from "@/lib/db/client";
import { CLI_ACTOR, type Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { createOrganisation } from "@/lib/services/organisations/create-organisation";
import { createUser } from "@/lib/services/users/create-user";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { createToken } from "@/lib/services/tokens/create-token";
import { revokeToken } from "@/lib/services/tokens/revoke-token";
import { authenticateToken } from "@/lib/services/tokens/authenticate-token";
import { seedDemo } from "@/lib/services/demo/seed-demo";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { verifyPassword } from "@/lib/auth/password";
import { runCli } from "@/lib/cli/run-cli";

afterAll(disconnectDb);

const uniq = () => Math.random().toString(36).slice(2, 8);
const countAudit = () => getDb().auditEvent.count();

async function expectAppError(p: Promise<unknown>, code: string, message?: RegExp) {
  const e = await p.then(
    () => null,
    (err) => err,
  );
  expect(e, "expected an AppError").toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe(code);
  if (message) expect((e as AppError).message).toMatch(message);
  return e as AppError;
}

function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, { migrate: async () => [] }).then((code) => ({
    code,
    out: out.join("\n"),
    err: err.join("\n"),
  }));
}

describe("organisations", () => {
  it("creates one with an audit row in the same transaction", async () => {
    const code = `org-${uniq()}`;
    const before = await countAudit();
    const org = await createOrganisation(CLI_ACTOR, { code, legalName: "Org AS", groupEmail: "Certs@Org.test" });
    expect(org.groupEmail).toBe("certs@org.test");
    expect(await countAudit()).toBe(before + 1);
    const last = await getDb().auditEvent.findFirst({ orderBy: [{ at: "desc" }, { seq: { sort: "desc", nulls: "first" } }] });
    expect(last).toMatchObject({ action: "organisation.create", targetId: org.id, actorEmail: "cli" });
  });

  it("refuses a duplicate code with 409 and writes nothing", async () => {
    const code = `dup-${uniq()}`;
    await createOrganisation(CLI_ACTOR, { code, legalName: "First AS", groupEmail: "a@x.test" });
    const before = await countAudit();
    const e = await expectAppError(createOrganisation(CLI_ACTOR, { code, legalName: "Second AS", groupEmail: "b@x.test" }), "conflict", /already exists/);
    expect(e.status).toBe(409);
    expect(await countAudit()).toBe(before);
    expect(await getDb().organisation.count({ where: { code } })).toBe(1);
  });

  it.each([
    [{ code: "A", legalName: "X AS", groupEmail: "a@x.test" }, "code"],
    [{ code: "has space", legalName: "X AS", groupEmail: "a@x.test" }, "code"],
    [{ code: "okcode", legalName: "", groupEmail: "a@x.test" }, "legalName"],
    [{ code: "okcode", legalName: "X AS", groupEmail: "not-an-email" }, "groupEmail"],
  ])("names the bad field: %j", async (input, field) => {
    const e = await expectAppError(createOrganisation(CLI_ACTOR, input), "validation_failed");
    expect(Object.keys(e.fields ?? {})).toEqual([field]);
  });

  it("refuses partners and officers (permission table)", async () => {
    const partner: Actor = { type: "user", userId: "00000000-0000-0000-0000-000000000001", email: "p@x", name: "p", role: "partner", orgId: null, via: "web", ip: null };
    await expectAppError(createOrganisation(partner, { code: "nope", legalName: "X AS", groupEmail: "a@x.test" }), "forbidden");
    await expectAppError(createOrganisation({ ...partner, role: "officer" }, { code: "nope", legalName: "X AS", groupEmail: "a@x.test" }), "forbidden");
  });
});

describe("users", () => {
  it("generates a password when none is given and stores only an argon2id hash", async () => {
    const email = `u-${uniq()}@keyport.test`;
    const { user, generatedPassword } = await createUser(CLI_ACTOR, { email, role: "officer" });
    expect(generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(generatedPassword!);
    expect(await verifyPassword(generatedPassword!, row.passwordHash)).toBe(true);
    expect(await verifyPassword("wrong-password-123", row.passwordHash)).toBe(false);
  });

  it("requires an organisation for partners and refuses one for officers", async () => {
    await expectAppError(createUser(CLI_ACTOR, { email: `p-${uniq()}@x.test`, role: "partner" }), "validation_failed", /organisation/);
    await expectAppError(createUser(CLI_ACTOR, { email: `o-${uniq()}@x.test`, role: "officer", orgCode: "acme" }), "validation_failed");
  });

  it("refuses an unknown organisation and writes nothing", async () => {
    const email = `p-${uniq()}@x.test`;
    const before = await countAudit();
    await expectAppError(createUser(CLI_ACTOR, { email, role: "partner", orgCode: "no-such-org" }), "not_found");
    expect(await getDb().user.count({ where: { email } })).toBe(0);
    expect(await countAudit()).toBe(before);
  });

  it("refuses a short password and a duplicate email", async () => {
    await expectAppError(createUser(CLI_ACTOR, { email: `s-${uniq()}@x.test`, role: "admin", password: "short" }), "validation_failed", /12 characters/);
    const email = `d-${uniq()}@x.test`;
    await createUser(CLI_ACTOR, { email, role: "admin", password: "long-enough-password" });
    await expectAppError(createUser(CLI_ACTOR, { email: email.toUpperCase(), role: "admin", password: "long-enough-password" }), "conflict");
  });
});

describe("environments", () => {
  it("validates approvals and code", async () => {
    await expectAppError(createEnvironment(CLI_ACTOR, { code: "ppr", name: "x y", approvalsRequired: 1 }), "validation_failed");
    await expectAppError(createEnvironment(CLI_ACTOR, { code: "QA1", name: "QA", approvalsRequired: 0 }), "validation_failed", /At least 1/);
    const env = await createEnvironment(CLI_ACTOR, { code: `Q${uniq().toUpperCase().replace(/[^A-Z0-9]/g, "X")}`, name: "QA", approvalsRequired: "2", production: true });
    expect(env).toMatchObject({ approvalsRequired: 2, production: true });
  });
});

describe("API tokens", () => {
  it("are stored hashed, authenticate, record last use, and stop working when revoked", async () => {
    const email = `t-${uniq()}@keyport.test`;
    await createUser(CLI_ACTOR, { email, role: "officer" });
    const t = await createToken(CLI_ACTOR, { userEmail: email, name: "ci" });
    expect(t.token).toMatch(/^kp_[A-Za-z0-9_-]{43}$/);
    const row = await getDb().apiToken.findUniqueOrThrow({ where: { id: t.id } });
    expect(JSON.stringify(row)).not.toContain(t.token);
    const actor = await authenticateToken(`Bearer ${t.token}`, "127.0.0.1");
    expect(actor).toMatchObject({ type: "user", email, role: "officer", via: "api" });
    expect((await getDb().apiToken.findUniqueOrThrow({ where: { id: t.id } })).lastUsedAt).not.toBeNull();

    // Last use is written at most once a minute; an expired token stops working.
    const used = (await getDb().apiToken.findUniqueOrThrow({ where: { id: t.id } })).lastUsedAt!;
    await authenticateToken(`Bearer ${t.token}`, null);
    expect((await getDb().apiToken.findUniqueOrThrow({ where: { id: t.id } })).lastUsedAt).toEqual(used);
    await getDb().apiToken.update({ where: { id: t.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectAppError(authenticateToken(`Bearer ${t.token}`, null), "unauthenticated", /expired/);
    await getDb().apiToken.update({ where: { id: t.id }, data: { expiresAt: new Date(Date.now() + 3_600_000) } });
    await expect(authenticateToken(`Bearer ${t.token}`, null)).resolves.toMatchObject({ email });

    await revokeToken(CLI_ACTOR, { token: t.token });
    await expectAppError(authenticateToken(`Bearer ${t.token}`, null), "unauthenticated", /revoked/);
    await expectAppError(revokeToken(CLI_ACTOR, { id: t.id }), "conflict", /already revoked/);
  });

  it.each([
    [null, /Bearer/],
    ["Basic abc", /Bearer/],
    ["Bearer not-a-token", /Malformed/],
    [`Bearer kp_${"A".repeat(43)}`, /Invalid/],
  ])("refuses %s", async (header, message) => {
    await expectAppError(authenticateToken(header, null), "unauthenticated", message);
  });
});

describe("demo data", () => {
  it("is idempotent and prints passwords only when users are created", async () => {
    const first = await seedDemo(CLI_ACTOR, { passwords: { "admin@keyport.test": "admin-password-123" } });
    expect(first.passwords.map((p) => p.email).sort()).toEqual(
      ["admin@keyport.test", "gateway@keyport.test", "officer1@keyport.test", "officer2@keyport.test", "partner@acme.test", "security2@acme.test", "partner-admin@acme.test", "viewer@acme.test"].sort(),
    );
    // The demo organisation's team, each with its partner role beside its password.
    expect(first.passwords.filter((p) => p.email.endsWith("@acme.test")).map((p) => [p.email, p.role])).toEqual([
      ["partner@acme.test", "partner_security_officer"],
      ["security2@acme.test", "partner_security_officer"],
      ["partner-admin@acme.test", "partner_admin"],
      ["viewer@acme.test", "viewer"],
    ]);
    const prdRules = await getDb().environment.findUniqueOrThrow({ where: { code: "PRD" } });
    expect([prdRules.minPartnerOfficers, prdRules.partnerConfirmation]).toEqual([2, true]);
    const before = await countAudit();
    const second = await seedDemo(CLI_ACTOR);
    expect(second).toEqual({ created: [], passwords: [] });
    expect(await countAudit()).toBe(before);
    const prd = await getDb().environment.findUniqueOrThrow({ where: { code: "PRD" } });
    expect(prd).toMatchObject({ approvalsRequired: 2, production: true });
  });
});

describe("CLI", () => {
  it.each([[[]], [["bogus"]], [["org", "create", "--code", "x"]], [["org", "create", "--code", "a", "--name", "b", "--email", "c", "--bogus"]], [["token", "revoke"]]])(
    "exits 2 with usage on %j",
    async (argv) => {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain("Usage: npm run keyport");
    },
  );

  it("exits 1 with one clear line on a duplicate organisation, and changes nothing", async () => {
    const code = `cli-${uniq()}`;
    expect((await cli(["org", "create", "--code", code, "--name", "Cli AS", "--email", "c@cli.test"])).code).toBe(0);
    const before = await countAudit();
    const r = await cli(["org", "create", "--code", code, "--name", "Cli AS", "--email", "c@cli.test"]);
    expect(r).toMatchObject({ code: 1 });
    expect(r.err.split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/already exists/);
    expect(await countAudit()).toBe(before);
  });

  it("prints only the token on stdout for token create", async () => {
    const email = `cli-${uniq()}@keyport.test`;
    await cli(["user", "create", "--email", email, "--role", "gateway"]);
    const r = await cli(["token", "create", "--user", email, "--name", "gw"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^kp_[A-Za-z0-9_-]{43}$/);
  });

  it("exits 1 on an unknown user and on a bad role", async () => {
    expect((await cli(["token", "create", "--user", "nobody@x.test"])).code).toBe(1);
    const r = await cli(["user", "create", "--email", "z@x.test", "--role", "superuser"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/role/);
  });
});

describe("audit chain", () => {
  it("links every row to the one before it", async () => {
    const report = await verifyAuditChain();
    expect(report).toMatchObject({ ok: true });
    expect(report.rows).toBeGreaterThan(5);
  });
});
