// Multi-factor sign-in and SSO in a real browser (issue 20, items 3 and 4): TOTP enrolled from the
// shown secret (codes computed with otpauth) and a passkey enrolled with Chromium's virtual
// authenticator (CDP WebAuthn domain), each then used to sign in; a wrong code, a replayed code and
// a removed passkey are refused. SSO through a real OpenID provider (oidc-provider on loopback,
// e2e/support/oidc-issuer.ts): an officer signs in, a user without the mapped claim is refused.
// Second factors are optional in the e2e server (KEYPORT_MFA_REQUIRED_ROLES=none); these users are made here.
import { type Page, expect, test } from "@playwright/test";
import { TOTP } from "otpauth";
import { keyport, signIn } from "./support/helpers";

async function newPartner() {
  const email = `mfa-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@mfa.test`;
  const password = "mfa-test-password-1";
  const r = keyport(["user", "create", "--email", email, "--role", "partner", "--org", "acme", "--password", password]);
  expect(r.code, r.stderr).toBe(0);
  return { email, password };
}

const step = () => Math.floor(Date.now() / 30_000);
async function freshCode(secret: string, after: number): Promise<string> {
  while (step() <= after) await new Promise((r) => setTimeout(r, 500));
  return new TOTP({ secret }).generate();
}

async function fillSignIn(page: Page, email: string, password: string, code = "") {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Authentication code").fill(code);
}

test("[partner] enrols TOTP from the shown secret and signs in with a code; a wrong and a replayed code are refused", async ({ browser }) => {
  test.setTimeout(150_000);
  const { email, password } = await newPartner();
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/partner$/);
  await page.goto("/account/mfa");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  const confirm = page.getByRole("form", { name: "Confirm two-factor set-up" });
  const confirmedAt = step();
  await confirm.getByLabel("Code from the app").fill(new TOTP({ secret }).generate());
  await confirm.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await page.context().close();

  const again = await (await browser.newContext()).newPage();
  await fillSignIn(again, email, password, "123456" === new TOTP({ secret }).generate() ? "654321" : "123456");
  await again.getByRole("button", { name: "Sign in" }).click();
  await expect(again.getByText(/^Sign-in failed/)).toBeVisible();
  const code = await freshCode(secret, confirmedAt);
  await fillSignIn(again, email, password, code);
  await again.getByRole("button", { name: "Sign in" }).click();
  await expect(again).toHaveURL(/\/partner$/);
  // The same code again, from another browser: a replay, refused.
  const replay = await (await browser.newContext()).newPage();
  await fillSignIn(replay, email, password, code);
  await replay.getByRole("button", { name: "Sign in" }).click();
  await expect(replay.getByText(/^Sign-in failed/)).toBeVisible();
  await again.context().close();
  await replay.context().close();
});

test("[partner] adds a passkey with the virtual authenticator and signs in with it; password alone and a removed passkey are refused", async ({ browser }) => {
  test.setTimeout(150_000);
  const { email, password } = await newPartner();
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });

  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/partner$/);
  await page.goto("/account/mfa");
  const add = page.getByRole("form", { name: "Add a passkey" });
  await add.getByLabel("Passkey name").fill("Virtual key");
  await add.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByTestId("passkeys")).toContainText("Virtual key");

  // A new browser session (cookies cleared; the authenticator stays with the page).
  await context.clearCookies();
  await fillSignIn(page, email, password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(/^Sign-in failed/)).toBeVisible();
  await fillSignIn(page, email, password);
  await page.getByRole("button", { name: "Use a passkey as the second factor" }).click();
  await expect(page).toHaveURL(/\/partner$/);

  // Just verified with the passkey, so removing it needs no step-up.
  await page.goto("/account/mfa");
  await expect(page.getByTestId("step-up-status")).toContainText("Verified recently");
  await page.getByRole("form", { name: "Remove passkey Virtual key" }).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("No passkeys yet.")).toBeVisible();

  // The authenticator still holds the credential; Keyport no longer accepts it.
  await context.clearCookies();
  await fillSignIn(page, email, password);
  await page.getByRole("button", { name: "Use a passkey as the second factor" }).click();
  await expect(page.getByText(/^Sign-in failed/)).toBeVisible();
  await context.close();
});

async function ssoAs(page: Page, login: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Continue with single sign-on" }).click();
  // oidc-provider's development login and consent pages.
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  const consent = page.getByRole("button", { name: "Continue" });
  if (await consent.isVisible({ timeout: 5_000 }).catch(() => false)) await consent.click();
}

test("[officer] signs in through single sign-on; a user without the mapped claim is refused", async ({ browser }) => {
  test.setTimeout(120_000);
  const officer = await (await browser.newContext()).newPage();
  await ssoAs(officer, "officer1@keyport.test");
  await expect(officer).toHaveURL(/\/officer$/);
  await officer.context().close();

  const partner = await (await browser.newContext()).newPage();
  await ssoAs(partner, "partner@acme.test");
  await expect(partner).toHaveURL(/\/signin/);
  await expect(partner.getByText(/^Sign-in failed/)).toBeVisible();
  await partner.context().close();
});
