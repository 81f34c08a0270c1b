// Accounts (issue 20): TOTP enrolment and sign-in in a real browser (codes computed from the shown
// secret; a wrong and a replayed code refused), and an admin disabling a user whose open session then
// ends at once. Second factors are optional in the e2e server (KEYPORT_MFA_REQUIRED_ROLES=none), so the
// demo accounts keep signing in with passwords; these users are made here.
import { expect, test } from "@playwright/test";
import { TOTP } from "otpauth";
import { keyport, signIn, signInAs } from "./support/helpers";

async function newPartner() {
  const email = `partner-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@accounts.test`;
  const password = "accounts-test-password-1";
  const r = keyport(["user", "create", "--email", email, "--role", "partner", "--org", "acme", "--password", password]);
  expect(r.code, r.stderr).toBe(0);
  return { email, password };
}

const step = () => Math.floor(Date.now() / 30_000);
/** The next step's code, once the clock reaches it (a code is accepted once per 30-second step). */
async function freshCode(secret: string, after: number): Promise<string> {
  while (step() <= after) await new Promise((r) => setTimeout(r, 500));
  return new TOTP({ secret }).generate();
}

test("[partner] enrols TOTP from the shown secret, then signs in with a code; a wrong and a replayed code are refused", async ({ browser }) => {
  test.setTimeout(150_000);
  const { email, password } = await newPartner();
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/partner$/);
  await page.goto("/account/mfa");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const form = page.getByRole("form", { name: "Confirm two-factor set-up" });
  await form.getByLabel("Code from the app").fill(String((Number(new TOTP({ secret }).generate()) + 1) % 1_000_000).padStart(6, "0"));
  await form.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(form.getByText("Wrong code.")).toBeVisible();
  const confirmedAt = step();
  await form.getByLabel("Code from the app").fill(new TOTP({ secret }).generate());
  await form.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await context.close();

  const again = await (await browser.newContext()).newPage();
  const attempt = async (code: string) => {
    await again.goto("/signin");
    await again.getByLabel("Email").fill(email);
    await again.getByLabel("Password").fill(password);
    await again.getByLabel("Authentication code").fill(code);
    await again.getByRole("button", { name: "Sign in" }).click();
  };
  // Password alone, a wrong code, and the code that confirmed enrolment (a replay): refused.
  await attempt("");
  await expect(again.getByText(/^Sign-in failed/)).toBeVisible();
  await attempt("000000");
  await expect(again.getByText(/^Sign-in failed/)).toBeVisible();
  if (step() === confirmedAt) {
    await attempt(new TOTP({ secret }).generate());
    await expect(again.getByText(/^Sign-in failed/)).toBeVisible();
  }
  await attempt(await freshCode(secret, confirmedAt));
  await expect(again).toHaveURL(/\/partner$/);
  await again.context().close();
});

test("[admin] disabling a user ends their open session at once", async ({ browser, page }) => {
  const { email, password } = await newPartner();
  const victim = await (await browser.newContext()).newPage();
  await signIn(victim, email, password);
  await expect(victim).toHaveURL(/\/partner$/);

  await signInAs(page, "admin@keyport.test", "/admin");
  await page.getByRole("link", { name: email }).click();
  await expect(page).toHaveURL(/\/admin\/users\/[0-9a-f-]{36}$/);
  await page.getByRole("button", { name: "Disable user" }).click();
  await expect(page.getByText(`Disabled ${email}; ended 1 session(s).`, { exact: false })).toBeVisible();

  await victim.goto("/partner");
  await expect(victim).toHaveURL(/\/signin\?callbackUrl=%2Fpartner/);
  await signIn(victim, email, password);
  await expect(victim.getByText(/^Sign-in failed/)).toBeVisible();
  await victim.context().close();
});
