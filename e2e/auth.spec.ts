import { expect, test } from "@playwright/test";
import { signIn, signInAs } from "./support/helpers";
import pg from "pg";
import { E2E_PASSWORDS, e2eDatabaseUrl } from "./support/env";

test("[partner] signs in and lands on the partner home with their organisation", async ({ page }) => {
  await signInAs(page, "partner@acme.test", "/partner");
  await expect(page.getByRole("heading", { name: "acme" })).toBeVisible();
  await expect(page.getByText("Acme Payments AS")).toBeVisible();
  // Per environment: the provider's CA chain, open requests, certificates, approved source IPs.
  for (const env of ["PPR", "PRD"]) {
    const card = page.getByTestId(`env-${env}`);
    await expect(card.getByRole("link", { name: /PEM/ }).first()).toHaveAttribute("href", new RegExp(`/api/v1/environments/${env}/ca\\?format=pem`));
    await expect(card).toContainText("Open requests");
    await expect(card).toContainText("Certificates");
    await expect(card).toContainText("Approved source IPs");
  }
});

test("[officer] signs in and lands on the officer home", async ({ page }) => {
  await signInAs(page, "officer1@keyport.test", "/officer");
  await expect(page.getByRole("table", { name: "Organisations" })).toContainText("Acme Payments AS");
  await expect(page.getByRole("table", { name: "Audit events" })).toContainText("auth.signin");
});

test("[admin] signs in, lands on the admin home and signs out", async ({ page }) => {
  await signInAs(page, "admin@keyport.test", "/admin");
  await expect(page.getByRole("table", { name: "Users" })).toContainText("officer2@keyport.test");
  await page.getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fadmin/);
});

test("[anyone] a wrong password gets one generic message and no session", async ({ page }) => {
  await signIn(page, "officer2@keyport.test", "not-the-password");
  await expect(page.getByText(/^Sign-in failed/)).toHaveText("Sign-in failed. Check your email, password and authentication code, or try again later.");
  await signIn(page, "nobody@keyport.test", "not-the-password");
  await expect(page.getByText(/^Sign-in failed/)).toHaveText("Sign-in failed. Check your email, password and authentication code, or try again later.");
  await page.goto("/officer");
  await expect(page).toHaveURL(/\/signin/);
});

test("[anyone] a client-written X-Forwarded-For never reaches the audit trail (the socket's peer does)", async ({ page }) => {
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": "203.0.113.66", "X-Real-IP": "203.0.113.67", "X-Keyport-Peer": "203.0.113.68" });
  await signIn(page, "spoofer@keyport.test", "not-the-password");
  await expect(page.getByText(/^Sign-in failed/)).toBeVisible();
  const db = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await db.connect();
  try {
    const { rows } = await db.query("SELECT source_ip FROM audit_events WHERE action = 'auth.signin_failed' AND details->>'email' = 'spoofer@keyport.test'");
    expect(rows).toHaveLength(1);
    expect(["127.0.0.1", "::1"]).toContain(rows[0].source_ip);
  } finally {
    await db.end();
  }
});

test("[anyone] no session is sent to the sign-in page", async ({ page }) => {
  for (const path of ["/partner", "/officer", "/admin"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
  }
});

test("[partner] signing in from an officer's link lands on the partner home, not a 403", async ({ page }) => {
  await page.goto("/officer/certificates");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fofficer%2Fcertificates/);
  await page.getByLabel("Email").fill("partner@acme.test");
  await page.getByLabel("Password").fill(E2E_PASSWORDS["partner@acme.test"]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/partner$/);
});

test("[partner] the wrong role gets a 403 page", async ({ page }) => {
  await signInAs(page, "partner@acme.test", "/partner");
  for (const path of ["/admin", "/officer"]) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(403);
    await expect(page.getByTestId("forbidden")).toBeVisible();
  }
});

test("[officer] the wrong role gets a 403 page", async ({ page }) => {
  await signInAs(page, "officer1@keyport.test", "/officer");
  for (const path of ["/admin", "/partner"]) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(403);
  }
});
