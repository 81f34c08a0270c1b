import { expect, test } from "@playwright/test";
import { signInAs } from "./support/helpers";

test("[admin] creates an organisation and a partner user in the browser, who can then sign in", async ({ page, browser }) => {
  await signInAs(page, "admin@keyport.test", "/admin");
  const orgForm = page.getByRole("form", { name: "Create organisation" });

  // Inline validation: nothing is created.
  await orgForm.getByLabel("Code").fill("Bad Code");
  await orgForm.getByLabel("Legal name").fill("Beta Bank ASA");
  await orgForm.getByLabel("Certificate-management group email").fill("certs@beta.test");
  await orgForm.getByRole("button", { name: "Create organisation" }).click();
  await expect(orgForm.getByText(/Use 2–32 lower-case letters/)).toBeVisible();
  await expect(page.getByRole("table", { name: "Organisations" })).not.toContainText("Beta Bank ASA");

  await orgForm.getByLabel("Code").fill("beta");
  await orgForm.getByRole("button", { name: "Create organisation" }).click();
  await expect(orgForm.getByRole("status")).toHaveText("Created organisation beta.");
  await expect(page.getByRole("table", { name: "Organisations" })).toContainText("Beta Bank ASA");

  // A duplicate code is refused with a specific message.
  await orgForm.getByLabel("Code").fill("beta");
  await orgForm.getByLabel("Legal name").fill("Beta Again ASA");
  await orgForm.getByLabel("Certificate-management group email").fill("other@beta.test");
  await orgForm.getByRole("button", { name: "Create organisation" }).click();
  await expect(orgForm.getByText('An organisation with code "beta" already exists.')).toBeVisible();

  const userForm = page.getByRole("form", { name: "Create user" });
  await userForm.getByLabel("Email").fill("ops@beta.test");
  await userForm.getByLabel("Role").selectOption("partner");
  await userForm.getByRole("button", { name: "Create user" }).click();
  await expect(userForm.getByText("A partner user must belong to an organisation.")).toBeVisible();
  await expect(userForm.getByLabel("Email")).toHaveValue("ops@beta.test"); // input kept after an error
  await userForm.getByLabel("Organisation (partners only)").selectOption("beta");
  await userForm.getByRole("button", { name: "Create user" }).click();
  await expect(userForm.getByRole("status")).toContainText("Created partner ops@beta.test");
  const password = (await userForm.getByTestId("secret").textContent())!.trim();
  expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
  await expect(page.getByRole("table", { name: "Users" })).toContainText("ops@beta.test");

  const other = await browser.newPage();
  await other.goto("/signin");
  await other.getByLabel("Email").fill("ops@beta.test");
  await other.getByLabel("Password").fill(password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(/\/partner$/);
  await expect(other.getByRole("heading", { name: "beta" })).toBeVisible();
  await other.close();
});

test("[admin] creates an environment and an API token in the browser; the token works once shown", async ({ page, request }) => {
  await signInAs(page, "admin@keyport.test", "/admin");
  const envForm = page.getByRole("form", { name: "Create environment" });
  await envForm.getByLabel("Code").fill("UAT");
  await envForm.getByLabel("Display name").fill("User acceptance");
  await envForm.getByLabel("Officer approvals required").fill("0");
  await envForm.getByRole("button", { name: "Create environment" }).click();
  await expect(envForm.getByText("At least 1 officer approval is required.")).toBeVisible();
  await envForm.getByLabel("Officer approvals required").fill("2");
  await envForm.getByRole("button", { name: "Create environment" }).click();
  await expect(envForm.getByRole("status")).toHaveText("Created environment UAT.");

  const tokenForm = page.getByRole("form", { name: "Create API token" });
  await tokenForm.getByLabel("User").selectOption("partner@acme.test");
  await tokenForm.getByLabel("Token name").fill("e2e");
  await tokenForm.getByRole("button", { name: "Create token" }).click();
  const token = (await tokenForm.getByTestId("secret").textContent())!.trim();
  const me = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ role: "partner", user: { email: "partner@acme.test" }, organisation: { code: "acme" } });

  await page.reload();
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: token.slice(0, 10) });
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  const after = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  expect(await after.json()).toEqual({ error: { code: "unauthenticated", message: "This API token has been revoked." } });
});
