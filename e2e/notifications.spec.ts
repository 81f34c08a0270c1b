// Notifications in Chromium: an officer's approval reaches the partner's notification centre (the
// bell's unread count, the line with its link, mark read); the officer's own centre showed the
// request waiting; the demo has no SMTP, so admins read the mail it would have sent at /admin/mail.
import { type Browser, type Page, expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyport, signInAs } from "./support/helpers";

test.describe.configure({ mode: "serial" });

const dir = mkdtempSync(join(tmpdir(), "keyport-notify-e2e-"));
const run = Math.random().toString(36).slice(2, 7);
const cn = `notify-${run}.acme.test`;
let partnerToken = "";
let requestId = "";

test.beforeAll(() => {
  const t = keyport(["token", "create", "--user", "partner@acme.test", "--name", `notify-e2e-${run}`]);
  expect(t.code, t.stderr).toBe(0);
  partnerToken = t.stdout.trim();
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pageAs(browser: Browser, email: string, home: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email, home);
  return page;
}

test("[officer] sees the submitted request waiting in the notification centre", async ({ browser, request }) => {
  execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "k.pem"), "-out", join(dir, "r.csr"), "-subj", `/C=NO/O=Acme Payments AS/CN=${cn}`], { stdio: "pipe" });
  const res = await request.post("/api/v1/certificate-requests", { headers: { authorization: `Bearer ${partnerToken}` }, data: { environment: "PPR", csr: readFileSync(join(dir, "r.csr"), "utf8") } });
  expect(res.status(), await res.text()).toBe(201);
  requestId = (await res.json()).id;
  const officer = await pageAs(browser, "officer1@keyport.test", "/officer");
  await expect(officer.getByTestId("unread-count")).toBeVisible();
  await officer.getByTestId("bell").click();
  await expect(officer).toHaveURL(/\/notifications$/);
  const line = officer.getByTestId("notification-list").getByRole("listitem").filter({ hasText: "Certificate request from acme waits for review" }).first();
  await expect(line).toBeVisible();
  await line.getByRole("link").click();
  await expect(officer).toHaveURL(new RegExp(`/officer/requests/${requestId}$`));
  await officer.getByRole("button", { name: "Approve" }).click();
  await expect(officer.getByText("Approved: 1 of 1 approvals. The certificate has been issued.")).toBeVisible();
  await officer.context().close();
});

test("[partner] the approval shows up in the notification centre with the unread count; mark read clears it", async ({ browser }) => {
  const partner = await pageAs(browser, "partner@acme.test", "/partner");
  const bell = partner.getByTestId("bell");
  await expect(bell).toHaveAttribute("aria-label", /Notifications, \d+ unread/);
  await bell.click();
  const line = partner.getByTestId("notification-list").getByRole("listitem").filter({ hasText: "Certificate issued" }).filter({ hasText: cn }).first();
  await expect(line).toBeVisible();
  await expect(line).toContainText("SHA-256 fingerprint");
  await expect(line).toHaveAttribute("data-unread", "true");
  await line.getByRole("button", { name: "Mark read" }).click();
  await expect(line).not.toHaveAttribute("data-unread", "true");
  // Anything else still unread (earlier specs' events) goes with "Mark all read".
  const all = partner.getByRole("button", { name: "Mark all read" });
  if (await all.count()) await all.click();
  await expect(partner.getByTestId("unread-count")).toHaveCount(0);
  await expect(partner.getByText("0 unread")).toBeVisible();
  // Its link leads to the certificate.
  await line.getByRole("link", { name: "Certificate issued" }).click();
  await expect(partner).toHaveURL(/\/partner\/certificates\/[0-9a-f-]{36}$/);
  await expect(partner.getByText(cn).first()).toBeVisible();
  await partner.context().close();
});

test("[admin] /admin/mail shows the messages the demo would have sent (no SMTP)", async ({ browser }) => {
  const admin = await pageAs(browser, "admin@keyport.test", "/admin");
  await admin.getByRole("link", { name: "Mail and webhooks" }).click();
  await expect(admin).toHaveURL(/\/admin\/mail$/);
  await expect(admin.getByText("No SMTP is configured")).toBeVisible();
  const issued = admin.getByTestId("outbox").getByRole("listitem").filter({ hasText: "[Keyport PPR · acme] Certificate issued" }).filter({ hasText: "certs@acme.test" }).filter({ hasText: cn }).first();
  await expect(issued).toBeVisible();
  await expect(issued).toContainText("held");
  await issued.locator("summary", { hasText: "Message" }).click();
  await expect(issued).toContainText(cn);
  await expect(issued).toContainText("Serial:");
  await expect(issued).toContainText("/partner/certificates/");
  // The reminder thresholds per environment are edited here too.
  const ppr = admin.getByRole("form", { name: "Reminders for PPR" });
  await ppr.getByLabel("PPR: days before expiry").fill("60, 30, 14, 7, 1");
  await ppr.getByRole("button", { name: "Save" }).click();
  await expect(ppr.getByText("PPR: reminders at 60, 30, 14, 7, 1 days before expiry.")).toBeVisible();
  await ppr.getByLabel("PPR: days before expiry").fill("soon");
  await ppr.getByRole("button", { name: "Save" }).click();
  await expect(ppr.getByText("Whole days from 1 to 365.")).toBeVisible();
  await admin.context().close();
});

test("[partner] settings: security notices cannot be switched off; a webhook URL must be HTTPS", async ({ browser }) => {
  const partner = await pageAs(browser, "partner@acme.test", "/partner");
  await partner.goto("/partner/settings");
  await expect(partner.getByLabel("Certificate revoked: group mailbox")).toBeDisabled();
  await expect(partner.getByLabel("Certificate revoked: group mailbox")).toBeChecked();
  await partner.getByLabel("Certificate request rejected: group mailbox").uncheck();
  await partner.getByRole("button", { name: "Save preferences" }).click();
  await expect(partner.getByText("Saved. Security notices still reach the group mailbox.")).toBeVisible();
  await partner.reload();
  await expect(partner.getByLabel("Certificate request rejected: group mailbox")).not.toBeChecked();
  await partner.getByLabel("Webhook URL").fill("http://hooks.example.com/keyport");
  await partner.getByRole("button", { name: "Set webhook" }).click();
  await expect(partner.getByText("The webhook URL must start with https://.").first()).toBeVisible();
  await partner.context().close();
});
