// Partner-side roles in Chromium (issue 20, item 2): the demo organisation's partner admin invites a
// viewer by mail (the link read from the notification outbox), the invitee sets a password, signs in,
// and can neither find nor use submission; the partner admin makes the viewer an API token, which
// the API refuses for submission (403). On PRD a request waits for a second partner security officer:
// the submitter cannot confirm it, the officers' queue does not show it until the other one has.
import { type Browser, type Page, expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { keyport, signIn, signInAs } from "./support/helpers";
import { e2eDatabaseUrl } from "./support/env";

test.describe.configure({ mode: "serial" });

const run = Math.random().toString(36).slice(2, 7);
const dir = mkdtempSync(join(tmpdir(), "keyport-roles-e2e-"));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeCsr(cn: string): string {
  execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, `${cn}.key`), "-out", join(dir, `${cn}.csr`), "-subj", `/C=NO/O=Acme Payments AS/CN=${cn}`], {
    stdio: "pipe",
  });
  return readFileSync(join(dir, `${cn}.csr`), "utf8");
}

/** The invitation mail's link, as the invitee's mailbox would show it: from the outbox (deliveries). */
async function invitationLinkFor(email: string): Promise<string> {
  const c = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await c.connect();
  try {
    const r = await c.query<{ text: string }>("SELECT text FROM deliveries WHERE $1 = ANY(recipients) ORDER BY created_at DESC LIMIT 1", [email]);
    const link = /https?:\/\/\S+\/invite\?token=kpi_[A-Za-z0-9_-]{43}/.exec(r.rows[0]?.text ?? "");
    expect(link, `an invitation mail to ${email}`).not.toBeNull();
    return link![0];
  } finally {
    await c.end();
  }
}

async function pageAs(browser: Browser, email: string, home: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email, home);
  return page;
}

test("[partner admin] invites a viewer by mail; the invitee sets a password, signs in as viewer and cannot submit", async ({ browser, request }) => {
  const admin = await pageAs(browser, "partner-admin@acme.test", "/partner");
  await admin.getByRole("navigation", { name: "Partner" }).getByRole("link", { name: "Users" }).click();
  await expect(admin).toHaveURL(/\/partner\/users$/);
  const members = admin.getByRole("table", { name: "Members" });
  await expect(members).toContainText("partner@acme.test");
  await expect(members).toContainText("security2@acme.test");
  await expect(members).not.toContainText("officer1@keyport.test");

  const email = `viewer-${run}@acme.test`;
  const invite = admin.getByRole("form", { name: "Invite a user" });
  await invite.getByLabel("Email").fill(email);
  await invite.getByLabel("Role").selectOption("viewer");
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(invite.getByRole("status")).toContainText(`Invited ${email} as viewer`);
  await expect(admin.getByRole("table", { name: "Open invitations" })).toContainText(email);

  // The invitee follows the link from the mail, sets a password and signs in.
  const link = new URL(await invitationLinkFor(email));
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(`${link.pathname}${link.search}`);
  await expect(invitee.getByText("You are invited to")).toContainText("Acme Payments AS");
  const form = invitee.getByRole("form", { name: "Set your password" });
  await form.getByLabel("Your name").fill("Vera Invited");
  await form.getByLabel("Password", { exact: true }).fill("short");
  await form.getByLabel("Repeat the password").fill("short");
  await form.getByRole("button", { name: "Set password" }).click();
  await expect(form.getByText("Use at least 12 characters.")).toBeVisible();
  const password = `invited-password-${run}`;
  await form.getByLabel("Password", { exact: true }).fill(password);
  await form.getByLabel("Repeat the password").fill(password);
  await form.getByRole("button", { name: "Set password" }).click();
  await expect(invitee).toHaveURL(/\/signin/);
  await signIn(invitee, email, password);
  await expect(invitee).toHaveURL(/\/partner$/);
  await expect(invitee.getByText(`${email} · viewer`)).toBeVisible();
  const nav = invitee.getByRole("navigation", { name: "Partner" });
  await expect(nav.getByRole("link", { name: "Certificates" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "New certificate" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  // The partner admin's pages are not the viewer's.
  await invitee.goto("/partner/users");
  await expect(invitee.getByTestId("forbidden")).toBeVisible();

  // The link worked once.
  const again = await (await browser.newContext()).newPage();
  await again.goto(`${link.pathname}${link.search}`);
  await expect(again.getByText("This invitation link is not valid any more")).toBeVisible();

  // The partner admin makes the viewer an API token; the API refuses it a submission (403).
  await admin.goto("/partner/tokens");
  const tokenForm = admin.getByRole("form", { name: "Create API token" });
  await tokenForm.getByLabel("User").selectOption(email);
  await tokenForm.getByLabel("Token name").fill(`viewer-${run}`);
  await tokenForm.getByRole("button", { name: "Create token" }).click();
  const token = (await tokenForm.getByTestId("secret").textContent())!.trim();
  expect(token).toMatch(/^kp_/);
  const submitted = await request.post("/api/v1/certificate-requests", { headers: { authorization: `Bearer ${token}` }, data: { environment: "PPR", csr: makeCsr(`acme-viewer-${run}`) } });
  expect(submitted.status(), await submitted.text()).toBe(403);
  const listed = await request.get("/api/v1/certificate-requests", { headers: { authorization: `Bearer ${token}` } });
  expect(listed.status()).toBe(200);
  await expect(admin.getByRole("table", { name: "API tokens" })).toContainText(email);
});

test("[partner security officers] a PRD request reaches the officers only after a second partner security officer confirms it", async ({ browser, request }) => {
  const t = keyport(["token", "create", "--user", "partner@acme.test", "--name", `roles-e2e-${run}`, "--scopes", "read,submit"]);
  expect(t.code, t.stderr).toBe(0);
  const cn = `acme-two-person-${run}`;
  const res = await request.post("/api/v1/certificate-requests", { headers: { authorization: `Bearer ${t.stdout.trim()}` }, data: { environment: "PRD", csr: makeCsr(cn) } });
  expect(res.status(), await res.text()).toBe(201);
  const { id, status } = await res.json();
  expect(status).toBe("awaiting_partner_confirmation");

  const officer = await pageAs(browser, "officer1@keyport.test", "/officer");
  await expect(officer.getByText(cn)).toHaveCount(0);

  // The submitter is told another officer confirms; it has no button, and the API refuses it.
  const submitter = await pageAs(browser, "partner@acme.test", "/partner");
  await submitter.goto(`/partner/requests/${id}`);
  await expect(submitter.getByTestId("awaiting-confirmation")).toContainText("You submitted it");
  await expect(submitter.getByRole("button", { name: "Confirm request" })).toHaveCount(0);
  const self = await request.post(`/api/v1/certificate-requests/${id}/confirm`, { headers: { authorization: `Bearer ${t.stdout.trim()}` }, data: {} });
  expect(self.status()).toBe(409);
  expect((await self.json()).error.message).toContain("a different partner security officer");

  // The second partner security officer confirms in the browser.
  const second = await pageAs(browser, "security2@acme.test", "/partner");
  await second.goto(`/partner/requests/${id}`);
  const confirm = second.getByRole("form", { name: "Confirm the request" });
  await confirm.getByLabel("Comment (optional)").fill("CN checked");
  await confirm.getByRole("button", { name: "Confirm request" }).click();
  // The page refreshes: the request now waits for the provider's officers.
  await expect(second.getByTestId("request-status")).toHaveText("pending");
  await expect(second.getByTestId("awaiting-confirmation")).toHaveCount(0);

  await officer.reload();
  await expect(officer.getByRole("table", { name: "Review queue" }).getByText(cn)).toBeVisible();
});
