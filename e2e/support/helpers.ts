import { type Page, expect } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { E2E_PASSWORDS, e2eDatabaseEnv } from "./env";

export async function signIn(page: Page, email: string, password = E2E_PASSWORDS[email]) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signInAs(page: Page, email: string, home: string) {
  await signIn(page, email);
  await expect(page).toHaveURL(new RegExp(`${home}$`));
}

/** Run the admin CLI against the e2e database, as a person would. */
export function keyport(args: string[]) {
  const r = spawnSync("node_modules/.bin/tsx", ["scripts/keyport.ts", ...args], {
    env: { ...process.env, ...e2eDatabaseEnv() },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
