// Certificate profiles, administered in the browser (the officers' review runs
// every request against them): field-level errors, create, edit, audited.
import { expect, test } from "@playwright/test";
import { signInAs } from "./support/helpers";

test("[admin] creates and edits a profile as JSON with field-level errors; officers see the changes in the audit trail", async ({ page, browser }) => {
  const code = `e2e-${Math.random().toString(36).slice(2, 7)}`;
  await signInAs(page, "admin@keyport.test", "/admin");
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Certificate profiles" }).click();
  await expect(page).toHaveURL(/\/admin\/profiles$/);
  await expect(page.getByRole("table", { name: "Profiles" })).toContainText("mtls-client");

  const form = page.getByRole("form", { name: "Create profile" });
  const json = form.getByLabel("Profile definition (JSON)");
  const definition = JSON.parse(await json.inputValue());
  // Live, in the browser: syntax first, then each bad field by name.
  await json.fill('{\n  "code": "x",\n}');
  await expect(form.getByText('Not valid JSON (line 3, column 1): unexpected "}".')).toBeVisible();
  await json.fill(JSON.stringify({ ...definition, code, validityDays: 0, keys: ["rsa-1024"], colour: "blue" }, null, 2));
  const errors = form.getByTestId("profile-field-errors");
  await expect(errors).toContainText("validityDays: at least 1 day");
  await expect(errors).toContainText("keys[0]: unknown key type");
  await expect(errors).toContainText("colour: unknown field");
  // The server refuses it too (nothing is created).
  await form.getByRole("button", { name: "Create profile" }).click();
  await expect(form.getByText("Please correct the highlighted fields.")).toBeVisible();
  await expect(errors).toContainText("validityDays: at least 1 day");

  await json.fill(JSON.stringify({ ...definition, code, name: "E2E partners", environments: ["PRD"], validityDays: 90 }, null, 2));
  await expect(form.getByText("Valid profile.")).toBeVisible();
  await expect(form.getByRole("definition").filter({ hasText: "90 days" })).toBeVisible();
  await form.getByRole("button", { name: "Create profile" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/profiles/${code}\\?created=1$`));
  await expect(page.getByTestId("profile-created")).toBeVisible();

  const edit = page.getByRole("form", { name: "Edit profile" });
  const editJson = edit.getByLabel("Profile definition (JSON)");
  const stored = JSON.parse(await editJson.inputValue());
  await editJson.fill(JSON.stringify({ ...stored, code: "renamed" }, null, 2));
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByText(`code: Keep "${code}".`)).toBeVisible();
  await editJson.fill(JSON.stringify({ ...stored, validityDays: 30 }, null, 2));
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByText(`Saved profile ${code}. The change is in the audit trail.`)).toBeVisible();
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByText("No changes to save.")).toBeVisible();
  await page.goto("/admin/profiles");
  await expect(page.getByRole("table", { name: "Profiles" }).getByRole("row").filter({ hasText: code })).toContainText("30 days");

  const officer = await (await browser.newContext()).newPage();
  await signInAs(officer, "officer1@keyport.test", "/officer");
  await officer.goto("/officer/audit?action=profile.");
  const table = officer.getByRole("table", { name: "Audit events" });
  await expect(table.getByRole("row").filter({ hasText: "profile.update" }).filter({ hasText: code })).toHaveCount(1);
  await expect(table.getByRole("row").filter({ hasText: "profile.create" }).filter({ hasText: code })).toHaveCount(1);
  await officer.context().close();
});
