// SSO for provider staff (issue 20, item 4): settings, the claim → role mapping, and the sign-in
// rules (no just-in-time account unless configured, partners and disabled users refused, a changed
// claim changes the role, every refusal audited). The browser flow against a real OpenID provider
// is e2e/mfa.spec.ts. Real PostgreSQL.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { findOpenSession } from "@/lib/auth/sessions";
import { localLoginAllowed, oidcConfig, roleFromClaims } from "@/lib/auth/oidc";
import { makeOrganisation, makeUser, uniq } from "@/lib/testing/world";
import { disableUser } from "@/lib/services/users/set-user-disabled";
import { signInWithOidc } from "./sign-in-oidc";
import { signInWithPassword } from "./sign-in";

afterAll(disconnectDb);

const ENV = { KEYPORT_OIDC_ISSUER: "https://idp.test/realms/x/", KEYPORT_OIDC_CLIENT_ID: "keyport", KEYPORT_OIDC_CLIENT_SECRET: "s3cret" };
const cfg = oidcConfig(ENV)!;
// Every failed sign-in of an address, as recorded (events written within one millisecond have no
// order until the sealer chains them, so the tests compare the set, not the last one).
const failures = async (email: string) =>
  (await getDb().auditEvent.findMany({ where: { action: "auth.signin_failed", details: { path: ["email"], equals: email } } })).map((e) => e.details as Record<string, unknown>);

describe("OIDC settings", () => {
  it("off without settings; all three or a start-up error; https only (http on loopback)", () => {
    expect(oidcConfig({})).toBeNull();
    expect(() => oidcConfig({ KEYPORT_OIDC_ISSUER: "https://idp.test" })).toThrow(/together/);
    expect(() => oidcConfig({ ...ENV, KEYPORT_OIDC_ISSUER: "http://idp.test" })).toThrow(/https/);
    expect(oidcConfig({ ...ENV, KEYPORT_OIDC_ISSUER: "http://127.0.0.1:4000" })?.issuer).toBe("http://127.0.0.1:4000");
    expect(cfg).toMatchObject({ issuer: "https://idp.test/realms/x", roleClaim: "keyport_role", jit: false });
  });

  it("maps the role claim (string or array; admin wins), anything else is no role", () => {
    const c = oidcConfig({ ...ENV, KEYPORT_OIDC_ROLE_CLAIM: "groups", KEYPORT_OIDC_OFFICER_VALUES: "pki-officers", KEYPORT_OIDC_ADMIN_VALUES: "pki-admins,root" })!;
    expect(roleFromClaims({ groups: "pki-officers" }, c)).toBe("officer");
    expect(roleFromClaims({ groups: ["x", "pki-officers", "root"] }, c)).toBe("admin");
    expect(roleFromClaims({ groups: ["officer"] }, c)).toBeNull();
    expect(roleFromClaims({}, c)).toBeNull();
    expect(roleFromClaims({ groups: { a: 1 } }, c)).toBeNull();
  });

  it("local passwords for provider staff can be switched off", () => {
    const off = { KEYPORT_LOCAL_LOGIN_PROVIDER_STAFF: "false" };
    expect(localLoginAllowed("officer", off)).toBe(false);
    expect(localLoginAllowed("admin", off)).toBe(false);
    expect(localLoginAllowed("partner", off)).toBe(true);
    expect(localLoginAllowed("officer", {})).toBe(true);
  });
});

describe("signInWithOidc", () => {
  it("an officer with the mapped claim signs in (session verified by the issuer); without the claim, refused", async () => {
    const u = await makeUser("officer");
    const ok = await signInWithOidc(cfg, { sub: "a1", email: u.email.toUpperCase(), keyport_role: "officer" });
    expect(ok).toMatchObject({ id: u.id, role: "officer" });
    expect((await findOpenSession(ok!.sessionId))?.mfaAt).toBeInstanceOf(Date);
    expect(await signInWithOidc(cfg, { sub: "a1", email: u.email })).toBeNull();
    expect(await failures(u.email)).toEqual([expect.objectContaining({ via: "oidc", reason: "no_role" })]);
    expect(await signInWithOidc(cfg, { sub: "a1", email: u.email, email_verified: false, keyport_role: "officer" })).toBeNull();
    expect(await failures(u.email)).toEqual(expect.arrayContaining([expect.objectContaining({ reason: "no_role" }), expect.objectContaining({ via: "oidc", reason: "email_unverified" })]));
    expect(await failures(u.email)).toHaveLength(2);
  });

  it("no just-in-time account unless KEYPORT_OIDC_JIT=true", async () => {
    const email = `sso-${uniq()}@keyport.test`;
    expect(await signInWithOidc(cfg, { sub: "n1", email, keyport_role: "admin" })).toBeNull();
    expect(await failures(email)).toEqual([expect.objectContaining({ reason: "unknown_user" })]);
    const made = await signInWithOidc({ ...cfg, jit: true }, { sub: "n1", email, name: "New Admin", keyport_role: "admin" });
    expect(made).toMatchObject({ email, role: "admin", name: "New Admin" });
    expect(await getDb().auditEvent.count({ where: { action: "user.create", targetId: made!.id } })).toBe(1);
  });

  it("partners and disabled staff are refused; a changed claim changes the role and ends the other sessions", async () => {
    const org = await makeOrganisation();
    const p = await makeUser("partner", org.code);
    expect(await signInWithOidc(cfg, { sub: "p", email: p.email, keyport_role: "officer" })).toBeNull();
    expect(await failures(p.email)).toEqual([expect.objectContaining({ reason: "not_provider_staff" })]);
    const d = await makeUser("officer");
    await disableUser(CLI_ACTOR, { user: { id: d.id } });
    expect(await signInWithOidc(cfg, { sub: "d", email: d.email, keyport_role: "officer" })).toBeNull();
    expect(await failures(d.email)).toEqual([expect.objectContaining({ reason: "disabled" })]);
    const o = await makeUser("officer");
    const first = await signInWithOidc(cfg, { sub: "o", email: o.email, keyport_role: "officer" });
    const promoted = await signInWithOidc(cfg, { sub: "o", email: o.email, keyport_role: ["admin"] });
    expect(promoted).toMatchObject({ role: "admin" });
    expect(await findOpenSession(first!.sessionId)).toBeNull();
  });

  it("KEYPORT_LOCAL_LOGIN_PROVIDER_STAFF=false: an officer's password is refused", async () => {
    const o = await makeUser("officer");
    process.env.KEYPORT_LOCAL_LOGIN_PROVIDER_STAFF = "false";
    try {
      expect(await signInWithPassword({ email: o.email, password: "correct horse battery", ip: "198.51.102.1" })).toBeNull();
      expect(await failures(o.email)).toEqual([expect.objectContaining({ reason: "local_login_disabled" })]);
    } finally {
      delete process.env.KEYPORT_LOCAL_LOGIN_PROVIDER_STAFF;
    }
  });
});
