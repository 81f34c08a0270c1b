// User and organisation lifecycle (issue 20, item 1) and API token scopes and expiry (item 5),
// on real PostgreSQL through the same services the web, the API and the CLI call.
import { afterAll, describe, expect, it } from "vitest";
import { getDb, disconnectDb } from "@/lib/db/client";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { createSession, findOpenSession } from "@/lib/auth/sessions";
import { closeApiRateLimits } from "@/lib/api/rate-limit";
import { PEER_HEADER, peerHeaderValue } from "@/lib/auth/client-ip";
import { makeOrganisation, makeUser, makeWorld, opensslCsr, uniq } from "@/lib/testing/world";
import { authenticateToken } from "@/lib/services/tokens/authenticate-token";
import { createToken } from "@/lib/services/tokens/create-token";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { rejectCertificateRequest } from "@/lib/services/requests/decide-request";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { updateUser } from "./update-user";
import { disableUser, enableUser } from "./set-user-disabled";
import { listUsers } from "./list-users";
import { updateOrganisation } from "@/lib/services/organisations/update-organisation";
import { disableOrganisation, enableOrganisation } from "@/lib/services/organisations/set-organisation-disabled";
import { runCli } from "@/lib/cli/run-cli";
import * as meRoute from "@/app/api/v1/me/route";
import * as usersRoute from "@/app/api/v1/users/route";
import * as requestsRoute from "@/app/api/v1/certificate-requests/route";

afterAll(async () => {
  await closeApiRateLimits();
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

let peer = 0;
async function get(handler: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>, path: string, token: string) {
  const res = await handler(new Request(`http://localhost:3000${path}`, { headers: { authorization: `Bearer ${token}`, [PEER_HEADER]: peerHeaderValue(`2001:db8:20::${++peer}`) } }), {
    params: Promise.resolve({}),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
}

const lastAudit = () => getDb().auditEvent.findFirstOrThrow({ orderBy: [{ at: "desc" }, { seq: { sort: "desc", nulls: "first" } }] });

describe("user lifecycle", () => {
  it("moves a partner to another organisation, ends their sessions, revokes their tokens and audits before and after", async () => {
    const w = await makeWorld();
    const sid = await createSession(w.partnerA.id, null);
    const r = await updateUser(w.admin.actor, { user: { email: w.partnerA.email }, orgCode: w.orgB.code, name: "Moved" });
    expect(r).toMatchObject({ changed: ["name", "orgCode"], sessionsEnded: 1, tokensRevoked: 1 });
    expect(await findOpenSession(sid)).toBeNull();
    expect((await appError(authenticateToken(`Bearer ${w.partnerA.token}`, null))).message).toMatch(/revoked/);
    const audit = await lastAudit();
    expect(audit.action).toBe("user.update");
    expect(audit.details).toMatchObject({ before: { orgCode: w.orgA.code }, after: { orgCode: w.orgB.code, name: "Moved" } });
    const moved = await getDb().user.findUniqueOrThrow({ where: { id: w.partnerA.id } });
    expect(moved.orgId).toBe(w.orgB.id);
  });

  it("refuses to change the organisation while the user has open requests, and changes nothing", async () => {
    const w = await makeWorld();
    const req = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-x${uniq()}`).csr });
    const before = await getDb().auditEvent.count();
    const e = await appError(updateUser(w.admin.actor, { user: { id: w.partnerA.id }, orgCode: w.orgB.code, name: "Not applied" }));
    expect([e.code, e.status]).toEqual(["conflict", 409]);
    expect(e.message).toMatch(/1 open request/);
    expect(await getDb().auditEvent.count()).toBe(before);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: w.partnerA.id } })).name).not.toBe("Not applied");
    // A name alone may change; once the request is decided, the organisation may too.
    expect((await updateUser(w.admin.actor, { user: { id: w.partnerA.id }, name: "Renamed" })).changed).toEqual(["name"]);
    await rejectCertificateRequest(w.officer1.actor, req.id, { reason: "moving" });
    expect((await updateUser(w.admin.actor, { user: { id: w.partnerA.id }, orgCode: w.orgB.code })).changed).toEqual(["orgCode"]);
  });

  it("checks role and organisation together, and an admin cannot change their own role or disable themselves", async () => {
    const w = await makeWorld();
    expect((await appError(updateUser(w.admin.actor, { user: { id: w.officer1.id }, orgCode: w.orgA.code }))).fields).toMatchObject({ orgCode: /officer user does not belong/ });
    expect((await appError(updateUser(w.admin.actor, { user: { id: w.partnerA.id }, role: "superuser" }))).code).toBe("validation_failed");
    expect((await appError(updateUser(w.admin.actor, { user: { id: w.admin.id }, role: "officer" }))).code).toBe("conflict");
    expect((await appError(disableUser(w.admin.actor, { user: { id: w.admin.id } }))).code).toBe("conflict");
    expect((await appError(updateUser(w.admin.actor, { user: { id: "not-a-uuid" }, name: "x" }))).code).toBe("not_found");
    // A partner made an officer leaves its organisation.
    const r = await updateUser(w.admin.actor, { user: { id: w.partnerB.id }, role: "officer" });
    expect(r.changed).toEqual(["role", "partnerRole", "orgCode"]);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: w.partnerB.id } })).orgId).toBeNull();
    // Only admins.
    expect((await appError(updateUser(w.officer1.actor, { user: { id: w.partnerA.id }, name: "x" }))).code).toBe("forbidden");
    expect((await appError(disableUser(w.partnerA.actor, { user: { id: w.partnerA.id } }))).code).toBe("forbidden");
  });

  it("disabling a user ends their sessions and stops their tokens at once; enabling restores the tokens only", async () => {
    const w = await makeWorld();
    const sid = await createSession(w.partnerA.id, null);
    expect((await get(meRoute.GET, "/api/v1/me", w.partnerA.token)).status).toBe(200);
    const r = await disableUser(w.admin.actor, { user: { email: w.partnerA.email } });
    expect(r).toMatchObject({ disabled: true, sessionsEnded: 1 });
    expect(await findOpenSession(sid)).toBeNull();
    const refused = await get(meRoute.GET, "/api/v1/me", w.partnerA.token);
    expect([refused.status, refused.body.error?.message]).toEqual([401, "The token's user is disabled."]);
    expect((await lastAudit()).details).toMatchObject({ before: { disabled: false }, after: { disabled: true } });
    // Idempotent: a second disable writes nothing.
    const count = await getDb().auditEvent.count();
    await disableUser(w.admin.actor, { user: { email: w.partnerA.email } });
    expect(await getDb().auditEvent.count()).toBe(count);
    await enableUser(w.admin.actor, { user: { id: w.partnerA.id } });
    expect((await get(meRoute.GET, "/api/v1/me", w.partnerA.token)).status).toBe(200);
    expect(await findOpenSession(sid)).toBeNull();
  });

  it("lists users filtered by role, organisation and state; an unknown filter is named", async () => {
    const w = await makeWorld();
    await disableUser(CLI_ACTOR, { user: { id: w.partnerB.id } });
    const ofA = await listUsers(w.admin.actor, { organisation: w.orgA.code });
    expect(ofA.map((u) => u.email)).toEqual([w.partnerA.email]);
    const disabledPartners = await listUsers(w.admin.actor, { role: "partner", state: "disabled" });
    expect(disabledPartners.map((u) => u.email)).toContain(w.partnerB.email);
    expect(disabledPartners.map((u) => u.email)).not.toContain(w.partnerA.email);
    expect((await appError(listUsers(w.admin.actor, { organisation: "no-such-org" }))).fields).toEqual({ organisation: "Unknown organisation." });
    const api = await get(usersRoute.GET, `/api/v1/users?organisation=${w.orgB.code}&state=disabled`, w.admin.token);
    expect(api.status).toBe(200);
    expect(api.body.users).toEqual([expect.objectContaining({ email: w.partnerB.email, state: "disabled", organisation: w.orgB.code })]);
    expect((await get(usersRoute.GET, "/api/v1/users?state=gone", w.admin.token)).status).toBe(422);
  });
});

describe("organisation lifecycle", () => {
  it("edits the legal name and mailbox with before/after in the audit row", async () => {
    const org = await makeOrganisation();
    const r = await updateOrganisation(CLI_ACTOR, { organisation: { code: org.code }, legalName: "Renamed Payments AS", groupEmail: "NEW@Example.test" });
    expect(r.changed).toEqual(["legalName", "groupEmail"]);
    expect(r.groupEmail).toBe("new@example.test");
    expect((await lastAudit()).details).toMatchObject({ before: { legalName: org.legalName, groupEmail: org.groupEmail }, after: { legalName: "Renamed Payments AS" } });
    expect((await appError(updateOrganisation(CLI_ACTOR, { organisation: { code: org.code }, groupEmail: "not an email" }))).code).toBe("validation_failed");
  });

  it("a disabled organisation's sessions end and its tokens are refused; its certificates stay and can be revoked", async () => {
    const w = await makeWorld();
    const req = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-d${uniq()}`).csr });
    const issued = await approveCertificateRequest(w.officer1.actor, req.id);
    const sid = await createSession(w.partnerA.id, null);
    const r = await disableOrganisation(w.admin.actor, { organisation: { id: w.orgA.id } });
    expect(r).toMatchObject({ disabled: true, sessionsEnded: 1 });
    expect(await findOpenSession(sid)).toBeNull();
    const refused = await get(requestsRoute.GET, `/api/v1/certificate-requests?environment=${w.env.code}`, w.partnerA.token);
    expect([refused.status, refused.body.error?.message]).toEqual([401, "The token's organisation is disabled."]);
    // Other organisations are untouched; the certificate is still there and an officer can revoke it.
    expect((await get(meRoute.GET, "/api/v1/me", w.partnerB.token)).status).toBe(200);
    expect(await getDb().certificate.count({ where: { id: issued.certificateId! } })).toBe(1);
    await revokeCertificate(w.officer1.actor, issued.certificateId!, { reason: "cessationOfOperation" });
    // No user can be moved into it while it is disabled.
    expect((await appError(updateUser(w.admin.actor, { user: { id: w.partnerB.id }, orgCode: w.orgA.code }))).code).toBe("conflict");
    await enableOrganisation(w.admin.actor, { organisation: { code: w.orgA.code } });
    expect((await get(meRoute.GET, "/api/v1/me", w.partnerA.token)).status).toBe(200);
  });
});

describe("API token scopes and expiry", () => {
  it("a token without the scope a call needs gets 403; an expired token 401", async () => {
    const w = await makeWorld();
    const readOnly = await createToken(CLI_ACTOR, { userEmail: w.partnerA.email, scopes: "read" });
    expect((await get(meRoute.GET, "/api/v1/me", readOnly.token)).status).toBe(200);
    const res = await requestsRoute.POST(
      new Request("http://localhost:3000/api/v1/certificate-requests", {
        method: "POST",
        headers: { authorization: `Bearer ${readOnly.token}`, "content-type": "application/json", [PEER_HEADER]: peerHeaderValue(`2001:db8:20::${++peer}`) },
        body: JSON.stringify({ environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-s${uniq()}`).csr }),
      }),
      { params: Promise.resolve({}) },
    );
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect([res.status, body.error.code]).toEqual([403, "forbidden"]);
    expect(body.error.message).toMatch(/lacks the "submit" scope/);
    expect(await getDb().certificateRequest.count({ where: { orgId: w.orgA.id } })).toBe(0);

    expect((await appError(createToken(CLI_ACTOR, { userEmail: w.partnerA.email, scopes: "read,root" }))).code).toBe("validation_failed");
    expect((await appError(createToken(CLI_ACTOR, { userEmail: w.partnerA.email, expiresAt: "2001-01-01" }))).fields).toHaveProperty("expiresAt");
    const soon = await createToken(CLI_ACTOR, { userEmail: w.partnerA.email, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await get(meRoute.GET, "/api/v1/me", soon.token)).status).toBe(200);
    await getDb().apiToken.update({ where: { id: soon.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await get(meRoute.GET, "/api/v1/me", soon.token);
    expect([expired.status, expired.body.error?.message]).toEqual([401, "This API token has expired."]);
  });
});

describe("CLI", () => {
  const cli = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, { migrate: async () => [] });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("keyport user update/disable/enable/sessions end and org update/disable/enable", async () => {
    const org = await makeOrganisation();
    const other = await makeOrganisation();
    const u = await makeUser("partner", org.code);
    expect(await cli(["user", "update", "--email", u.email, "--name", "Ada", "--org", other.code])).toMatchObject({ code: 0, err: expect.stringMatching(/Updated .*name, orgCode/) });
    expect(await cli(["user", "update", "--email", u.email, "--role", "root"])).toMatchObject({ code: 1 });
    expect(await cli(["user", "disable", "--email", u.email])).toMatchObject({ code: 0, err: expect.stringMatching(/Disabled/) });
    expect((await cli(["user", "list", "--org", other.code, "--state", "disabled"])).out).toContain(u.email);
    expect(await cli(["user", "enable", "--email", u.email])).toMatchObject({ code: 0 });
    expect(await cli(["user", "sessions", "end", "--email", u.email])).toMatchObject({ code: 0 });
    expect(await cli(["org", "update", "--code", org.code, "--name", "Renamed AS", "--email", "x@renamed.test"])).toMatchObject({ code: 0, err: expect.stringMatching(/legalName, groupEmail/) });
    expect(await cli(["org", "disable", "--code", org.code])).toMatchObject({ code: 0 });
    expect((await getDb().organisation.findUniqueOrThrow({ where: { id: org.id } })).disabled).toBe(true);
    expect(await cli(["org", "enable", "--code", org.code])).toMatchObject({ code: 0 });
    expect(await cli(["org", "disable"])).toMatchObject({ code: 2 });
    const t = await cli(["token", "create", "--user", u.email, "--scopes", "read,gateway", "--expires", new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)]);
    expect(t.code).toBe(0);
    expect((await getDb().apiToken.findFirstOrThrow({ where: { userId: u.id, revokedAt: null }, orderBy: { createdAt: "desc" } })).scopes).toEqual(["read", "gateway"]);
  });
});
