// Partner-side roles (issue 20, item 2, and item 5's partner admin tokens): partner admin, partner
// security officer and viewer; invitations by mail; the minimum number of partner security officers
// and the second officer's confirmation, on real PostgreSQL through the services the web, API and CLI call.
import { afterAll, describe, expect, it } from "vitest";
import { getDb, disconnectDb } from "@/lib/db/client";
import { CLI_ACTOR, type Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { makeEnvironment, makeOrganisation, makeUser, opensslCsr, uniq } from "@/lib/testing/world";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { submitAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { confirmCertificateRequest } from "@/lib/services/requests/confirm-request";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { listReviewQueue } from "@/lib/services/review/review-queue";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { updateEnvironmentSettings } from "@/lib/services/environments/update-environment";
import { authenticateToken } from "@/lib/services/tokens/authenticate-token";
import { createOrgToken } from "@/lib/services/tokens/create-org-token";
import { listOrgTokens } from "@/lib/services/tokens/list-org-tokens";
import { revokeOrgToken } from "@/lib/services/tokens/revoke-org-token";
import { createToken } from "@/lib/services/tokens/create-token";
import { updateUser } from "@/lib/services/users/update-user";
import { inviteOrgUser } from "./invite-org-user";
import { acceptInvitation, readInvitation } from "./accept-invitation";
import { changeOrgUserRole } from "./change-org-user-role";
import { disableOrgUser, enableOrgUser } from "./set-org-user-disabled";
import { listOrgUsers } from "./list-org-users";
import { runCli } from "@/lib/cli/run-cli";

afterAll(async () => {
  await disconnectDb();
});

async function appError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, "expected an AppError").toBeInstanceOf(AppError);
  return e as AppError;
}

const csr = (org: string) => opensslCsr(`/CN=${org}-${uniq()}`).csr;
const tokenOf = (link: string) => link.replace("/invite?token=", "");

/** An organisation with a partner admin, two partner security officers and a viewer. */
async function team() {
  const org = await makeOrganisation();
  const [admin, so1, so2, viewer] = await Promise.all([
    makeUser("partner", org.code, "partner_admin"),
    makeUser("partner", org.code, "partner_security_officer"),
    makeUser("partner", org.code, "partner_security_officer"),
    makeUser("partner", org.code, "viewer"),
  ]);
  return { org, admin, so1, so2, viewer };
}

describe("what each partner role may do (lib/auth/permissions.ts)", () => {
  it("a viewer reads but cannot submit (403), revoke or manage users; a partner admin cannot submit", async () => {
    const env = await makeEnvironment();
    const t = await team();
    for (const who of [t.viewer, t.admin]) {
      const e = await appError(submitCertificateRequest(who.actor, { environment: env.code, csr: csr(t.org.code) }));
      expect([e.status, e.code]).toEqual([403, "forbidden"]);
    }
    await expect(listOrgUsers(t.viewer.actor)).rejects.toMatchObject({ code: "forbidden" });
    await expect(listOrgUsers(t.so1.actor)).rejects.toMatchObject({ code: "forbidden" });
    const submitted = await submitCertificateRequest(t.so1.actor, { environment: env.code, csr: csr(t.org.code) });
    const officer = await makeUser("officer");
    const { certificateId } = await approveCertificateRequest(officer.actor, submitted.id);
    expect((await appError(revokeCertificate(t.viewer.actor, certificateId!, { reason: "superseded" }))).code).toBe("forbidden");
    expect((await revokeCertificate(t.so2.actor, certificateId!, { reason: "superseded" })).id).toBeTruthy();
  });

  it("an API token speaks for its user's partner role, read on every call", async () => {
    const t = await team();
    const { token } = await createToken(CLI_ACTOR, { userEmail: t.so1.email, name: "role" });
    expect((await authenticateToken(`Bearer ${token}`, null)) as Actor).toMatchObject({ partnerRole: "partner_security_officer" });
    await getDb().user.update({ where: { id: t.so1.id }, data: { partnerRole: "viewer" } });
    expect((await authenticateToken(`Bearer ${token}`, null)) as Actor).toMatchObject({ partnerRole: "viewer" });
  });
});

describe("partner admins manage their own organisation only", () => {
  it("lists, changes the role of and disables its own users; another organisation's user is not found, like a missing one", async () => {
    const a = await team();
    const b = await team();
    const listed = await listOrgUsers(a.admin.actor);
    expect(listed.users.map((u) => u.email).sort()).toEqual([a.admin.email, a.so1.email, a.so2.email, a.viewer.email].sort());

    const other = await appError(changeOrgUserRole(a.admin.actor, { user: { id: b.so1.id }, partnerRole: "viewer" }));
    const missing = await appError(changeOrgUserRole(a.admin.actor, { user: { id: "00000000-0000-4000-8000-000000000000" }, partnerRole: "viewer" }));
    expect([other.code, other.message.replace(b.so1.id, "<id>")]).toEqual([missing.code, missing.message.replace("00000000-0000-4000-8000-000000000000", "<id>")]);
    expect(other.code).toBe("not_found");
    expect((await appError(disableOrgUser(a.admin.actor, { user: { email: b.viewer.email } }))).code).toBe("not_found");
    // Provider staff are not the partner admin's either.
    const officer = await makeUser("officer");
    expect((await appError(disableOrgUser(a.admin.actor, { user: { email: officer.email } }))).code).toBe("not_found");
    expect((await getDb().user.findUniqueOrThrow({ where: { id: b.so1.id } })).partnerRole).toBe("partner_security_officer");

    const changed = await changeOrgUserRole(a.admin.actor, { user: { id: a.viewer.id }, partnerRole: "partner_security_officer" });
    expect(changed).toMatchObject({ changed: true, tokensRevoked: 1 });
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: a.viewer.id, action: "user.update" }, orderBy: { seq: "desc" } });
    expect(audit.details).toMatchObject({ before: { partnerRole: "viewer" }, after: { partnerRole: "partner_security_officer" } });
    expect((await appError(changeOrgUserRole(a.admin.actor, { user: { id: a.admin.id }, partnerRole: "viewer" }))).message).toMatch(/own role/);

    await disableOrgUser(a.admin.actor, { user: { id: a.so2.id } });
    await expect(authenticateToken(`Bearer ${a.so2.token}`, null)).rejects.toMatchObject({ code: "unauthenticated" });
    await enableOrgUser(a.admin.actor, { user: { id: a.so2.id } });
    expect((await appError(disableOrgUser(a.admin.actor, { user: { id: a.admin.id } }))).message).toMatch(/your own account/);
  });

  it("creates, lists and revokes API tokens for its own organisation's users only", async () => {
    const a = await team();
    const b = await team();
    const made = await createOrgToken(a.admin.actor, { userEmail: a.so1.email, name: "ci", scopes: ["read", "submit"] });
    expect((await authenticateToken(`Bearer ${made.token}`, null)) as Actor).toMatchObject({ email: a.so1.email });
    expect((await appError(createOrgToken(a.admin.actor, { userEmail: b.so1.email, name: "x" }))).code).toBe("not_found");
    const list = await listOrgTokens(a.admin.actor);
    expect(list.find((t) => t.id === made.id)).toMatchObject({ scopes: ["read", "submit"], user: { email: a.so1.email } });
    expect(list.every((t) => [a.admin.email, a.so1.email, a.so2.email, a.viewer.email].includes(t.user.email))).toBe(true);
    const bToken = (await listOrgTokens(b.admin.actor))[0];
    expect((await appError(revokeOrgToken(a.admin.actor, { id: bToken.id }))).code).toBe("not_found");
    await revokeOrgToken(a.admin.actor, { id: made.id });
    await expect(authenticateToken(`Bearer ${made.token}`, null)).rejects.toMatchObject({ code: "unauthenticated" });
    expect((await appError(createOrgToken(a.so1.actor, { userEmail: a.so1.email, name: "x" }))).code).toBe("forbidden");
  });
});

describe("invitations", () => {
  it("mails a single-use link stored hashed; the invitee sets a password and becomes a user in the invited role", async () => {
    const a = await team();
    const email = `invitee-${uniq()}@test.example`;
    const inv = await inviteOrgUser(a.admin.actor, { email, partnerRole: "viewer" });
    expect(inv.link).toBeNull(); // the web never sees the link
    const row = await getDb().invitation.findUniqueOrThrow({ where: { id: inv.id } });
    const delivery = await getDb().delivery.findFirstOrThrow({ where: { recipients: { has: email } }, orderBy: { createdAt: "desc" } });
    const link = /\/invite\?token=(kpi_[A-Za-z0-9_-]{43})/.exec(delivery.text)![1];
    expect(row.tokenHash).not.toContain(link);
    expect(JSON.stringify(row)).not.toContain(link);
    // Nobody else hears of the link: no notification-centre line carries it.
    expect(await getDb().notification.count({ where: { link: { contains: link } } })).toBe(0);

    expect(await readInvitation(link)).toMatchObject({ email, partnerRole: "viewer" });
    const weak = await appError(acceptInvitation({ token: link, password: "short" }));
    expect([weak.code, Object.keys(weak.fields ?? {})]).toEqual(["validation_failed", ["password"]]);
    const accepted = await acceptInvitation({ token: link, password: "a long enough password" });
    expect(accepted).toMatchObject({ email, partnerRole: "viewer", organisation: a.org.code });
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    expect([user.role, user.partnerRole, user.orgId]).toEqual(["partner", "viewer", a.org.id]);

    // Single use: the same link again is refused and changes nothing.
    const again = await appError(acceptInvitation({ token: link, password: "another long password" }));
    expect([again.code, again.message]).toEqual(["not_found", expect.stringMatching(/not valid any more/)]);
    expect(await readInvitation(link)).toBeNull();
    expect(await getDb().auditEvent.count({ where: { action: "user.invitation_accept", targetId: user.id } })).toBe(1);
  });

  it("refuses an expired link, a replaced link, and an address that has an account", async () => {
    const a = await team();
    const email = `late-${uniq()}@test.example`;
    const first = await inviteOrgUser(CLI_ACTOR, { email, partnerRole: "partner_security_officer", orgCode: a.org.code });
    const second = await inviteOrgUser(CLI_ACTOR, { email, partnerRole: "partner_security_officer", orgCode: a.org.code });
    expect((await appError(acceptInvitation({ token: tokenOf(first.link!), password: "a long enough password" }))).code).toBe("not_found");
    await getDb().invitation.update({ where: { id: second.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await appError(acceptInvitation({ token: tokenOf(second.link!), password: "a long enough password" }))).message).toMatch(/expired/);
    expect(await getDb().user.count({ where: { email } })).toBe(0);
    expect((await appError(inviteOrgUser(a.admin.actor, { email: a.viewer.email, partnerRole: "viewer" }))).code).toBe("conflict");
    // A partner admin cannot invite into another organisation.
    const b = await team();
    expect((await appError(inviteOrgUser(a.admin.actor, { email: `x-${uniq()}@test.example`, partnerRole: "viewer", orgCode: b.org.code }))).code).toBe("not_found");
    expect((await appError(inviteOrgUser(a.so1.actor, { email: `x-${uniq()}@test.example`, partnerRole: "viewer" }))).code).toBe("forbidden");
  });

  it("two acceptances of one link at once: exactly one user is created", async () => {
    const a = await team();
    const email = `race-${uniq()}@test.example`;
    const inv = await inviteOrgUser(CLI_ACTOR, { email, partnerRole: "viewer", orgCode: a.org.code });
    const results = await Promise.allSettled([0, 1, 2].map(() => acceptInvitation({ token: tokenOf(inv.link!), password: "a long enough password" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await getDb().user.count({ where: { email } })).toBe(1);
  });
});

describe("minimum partner security officers and the second officer's confirmation", () => {
  it("refuses to submit with fewer active partner security officers than the environment requires, saying how many", async () => {
    const env = await makeEnvironment();
    await updateEnvironmentSettings(CLI_ACTOR, { code: env.code, minPartnerOfficers: 2 });
    const org = await makeOrganisation();
    const so1 = await makeUser("partner", org.code, "partner_security_officer");
    await makeUser("partner", org.code, "viewer");
    const e = await appError(submitCertificateRequest(so1.actor, { environment: env.code, csr: csr(org.code) }));
    expect([e.status, e.message]).toEqual([409, `${env.code} requires at least 2 active partner security officers in an organisation before it may submit; ${org.code} has 1. Your partner admin can invite one or appoint an existing user at Users.`]);
    expect(await getDb().certificateRequest.count({ where: { orgId: org.id } })).toBe(0);
    // A disabled officer does not count; an active second one does.
    const so2 = await makeUser("partner", org.code, "partner_security_officer");
    await updateUser(CLI_ACTOR, { user: { id: so2.id }, partnerRole: "viewer" });
    expect((await appError(submitCertificateRequest(so1.actor, { environment: env.code, csr: csr(org.code) }))).message).toMatch(/has 1\./);
    await updateUser(CLI_ACTOR, { user: { id: so2.id }, partnerRole: "partner_security_officer" });
    expect((await submitCertificateRequest(so1.actor, { environment: env.code, csr: csr(org.code) })).status).toBe("pending");
  });

  it("the same minimum holds for allowlist requests", async () => {
    const env = await makeEnvironment({ withCa: false });
    await updateEnvironmentSettings(CLI_ACTOR, { code: env.code, minPartnerOfficers: 2 });
    const org = await makeOrganisation();
    const so = await makeUser("partner", org.code, "partner_security_officer");
    const e = await appError(submitAllowlistRequest(so.actor, { environment: env.code, entries: ["203.0.113.7"] }));
    expect([e.status, e.message]).toEqual([409, expect.stringMatching(new RegExp(`requires at least 2 active partner security officers.*${org.code} has 1`))]);
    expect(await getDb().allowlistRequest.count({ where: { orgId: org.id } })).toBe(0);
  });

  it("a production request waits for a different partner security officer before it reaches the officers' queue", async () => {
    const env = await makeEnvironment({ production: true, approvalsRequired: 1 });
    await updateEnvironmentSettings(CLI_ACTOR, { code: env.code, partnerConfirmation: true });
    const t = await team();
    const officer = await makeUser("officer");
    const submitted = await submitCertificateRequest(t.so1.actor, { environment: env.code, csr: csr(t.org.code) });
    expect(submitted.status).toBe("awaiting_partner_confirmation");
    const queued = async () => (await listReviewQueue(officer.actor, { environment: env.code })).items.some((i) => i.id === submitted.id);
    expect(await queued()).toBe(false);
    expect((await appError(approveCertificateRequest(officer.actor, submitted.id))).message).toMatch(/second partner security officer/);
    // The other security officers hear of it, the submitter does not.
    const told = await getDb().notification.findMany({ where: { event: { subjectId: submitted.id, type: "certificate_request.awaiting_confirmation" } }, select: { userId: true } });
    expect(told.map((n) => n.userId)).toEqual([t.so2.id]);

    const same = await appError(confirmCertificateRequest(t.so1.actor, submitted.id));
    expect([same.code, same.message]).toEqual(["conflict", "You submitted this request: a different partner security officer of your organisation must confirm it."]);
    expect((await appError(confirmCertificateRequest(t.viewer.actor, submitted.id))).code).toBe("forbidden");
    const other = await team();
    expect((await appError(confirmCertificateRequest(other.so1.actor, submitted.id))).code).toBe("not_found");
    expect(await queued()).toBe(false);

    const confirmed = await confirmCertificateRequest(t.so2.actor, submitted.id, { comment: "checked the CN" });
    expect(confirmed.status).toBe("pending");
    expect(await queued()).toBe(true);
    expect((await appError(confirmCertificateRequest(t.so2.actor, submitted.id))).code).toBe("conflict");
    const audit = await getDb().auditEvent.findMany({ where: { targetId: submitted.id }, orderBy: { seq: "asc" }, select: { action: true, actorId: true } });
    expect(audit).toEqual([
      { action: "certificate_request.submit", actorId: t.so1.id },
      { action: "certificate_request.confirm", actorId: t.so2.id },
    ]);
    expect((await approveCertificateRequest(officer.actor, submitted.id)).certificateId).toBeTruthy();
  });

  it("an organisation with a single security officer cannot submit where confirmation is required", async () => {
    const env = await makeEnvironment({ production: true });
    await updateEnvironmentSettings(CLI_ACTOR, { code: env.code, partnerConfirmation: true });
    const org = await makeOrganisation();
    const so = await makeUser("partner", org.code, "partner_security_officer");
    expect((await appError(submitCertificateRequest(so.actor, { environment: env.code, csr: csr(org.code) }))).message).toMatch(/at least 2 active partner security officers/);
  });
});

describe("the CLI", () => {
  const cli = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (x) => out.push(x), err: (x) => err.push(x) }, { migrate: async () => [] });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("keyport user invite prints the link; --partner-role on create and update; env update sets the partner-side rules", async () => {
    const org = await makeOrganisation();
    const email = `cli-${uniq()}@test.example`;
    const invited = await cli(["user", "invite", "--email", email, "--org", org.code, "--partner-role", "partner_admin"]);
    expect(invited.code, invited.err).toBe(0);
    expect(invited.out).toMatch(/\/invite\?token=kpi_[A-Za-z0-9_-]{43}$/);
    const token = invited.out.split("token=")[1];
    expect(await acceptInvitation({ token, password: "a long enough password" })).toMatchObject({ partnerRole: "partner_admin" });
    expect((await cli(["user", "invite", "--email", `x-${uniq()}@test.example`, "--org", org.code, "--partner-role", "boss"])).err).toMatch(/partner_admin, partner_security_officer, viewer/);

    const viewer = `v-${uniq()}@test.example`;
    expect((await cli(["user", "create", "--email", viewer, "--role", "partner", "--org", org.code, "--partner-role", "viewer"])).code).toBe(0);
    expect((await getDb().user.findUniqueOrThrow({ where: { email: viewer } })).partnerRole).toBe("viewer");
    expect((await cli(["user", "update", "--email", viewer, "--partner-role", "partner_security_officer"])).err).toMatch(/partnerRole/);
    expect((await getDb().user.findUniqueOrThrow({ where: { email: viewer } })).partnerRole).toBe("partner_security_officer");

    const env = await makeEnvironment({ withCa: false });
    const set = await cli(["env", "update", "--code", env.code, "--min-partner-officers", "2", "--partner-confirmation", "on"]);
    expect(set.err).toContain(`Updated ${env.code}: 2 partner security officer(s) required; partner confirmation on.`);
    expect((await cli(["env", "update", "--code", env.code, "--partner-confirmation", "maybe"])).code).not.toBe(0);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "environment.update", targetId: env.id } });
    expect(audit.details).toMatchObject({ before: { minPartnerOfficers: 1, partnerConfirmation: false }, after: { minPartnerOfficers: 2, partnerConfirmation: true } });
  });
});
