// Sessions end when they must, and no callback leads off the portal (issue 14, findings 4, 6, 7).
import { type Browser, expect, test } from "@playwright/test";
import { keyport, signIn, signInAs } from "./support/helpers";

async function newUser(role: "officer" | "gateway") {
  const email = `${role}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@session.test`;
  const password = "session-test-password-1";
  const r = keyport(["user", "create", "--email", email, "--role", role, "--password", password]);
  expect(r.code, r.stderr).toBe(0);
  return { email, password };
}

async function signedInContext(browser: Browser, email: string, password: string, home: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, password);
  await expect(page).toHaveURL(new RegExp(`${home}$`));
  return { context, page };
}

test("[partner] a copy of the session cookie opens nothing after sign-out", async ({ browser, page }) => {
  await signInAs(page, "partner@acme.test", "/partner");
  const saved = await page.context().cookies();
  expect(saved.some((c) => c.name.endsWith("next-auth.session-token"))).toBe(true);
  await page.goto("/signout");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);

  const thief = await browser.newContext();
  await thief.addCookies(saved);
  const stolen = await thief.newPage();
  await stolen.goto("/partner");
  await expect(stolen).toHaveURL(/\/signin\?callbackUrl=%2Fpartner/);
  await thief.close();
});

test("[officer] a password reset signs the user out everywhere at once", async ({ browser }) => {
  const { email, password } = await newUser("officer");
  const { context, page } = await signedInContext(browser, email, password, "/officer");
  expect(keyport(["user", "password", "--email", email, "--password", "a-brand-new-password-2"]).code).toBe(0);
  await page.goto("/officer");
  await expect(page).toHaveURL(/\/signin/);
  await context.close();
});

test("[admin] ends another user's sessions from the admin page; their next request is signed out", async ({ browser, page }) => {
  const { email, password } = await newUser("gateway");
  const victim = await signedInContext(browser, email, password, "/gateway");
  await signInAs(page, "admin@keyport.test", "/admin");
  const form = page.getByRole("form", { name: `End sessions of ${email}` });
  await form.getByRole("button", { name: "End sessions" }).click();
  await expect(form).toContainText("Ended 1 session(s).");
  await victim.page.goto("/gateway");
  await expect(victim.page).toHaveURL(/\/signin/);
  await victim.context.close();
});

test("[partner] a callback that browsers would read as another host lands on the role's home", async ({ page }) => {
  const evil = "/signin?callbackUrl=%2F%09%2Fevil.example%2Fx";
  // Signing in through the link ...
  await page.goto(evil);
  await page.getByLabel("Email").fill("partner@acme.test");
  await page.getByLabel("Password").fill((await import("./support/env")).E2E_PASSWORDS["partner@acme.test"]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/localhost:\d+\/partner$/);
  // ... and following it while signed in.
  for (const cb of ["%2F%09%2Fevil.example%2Fx", "%2F%5Cevil.example", "%2F%2Fevil.example", "https%3A%2F%2Fevil.example%2F", "%2F%E3%80%80%2Fevil.example"]) {
    await page.goto(`/signin?callbackUrl=${cb}`);
    await expect(page).toHaveURL(/localhost:\d+\/partner$/);
  }
});

test("[anyone] malformed callbacks, in the query or a forged cookie, are never a server error", async ({ request }) => {
  for (const cb of ["http://[", "/\n/evil.example", "/\r/x", "/\0/x", "/\u000b/x", "/\u000c/x", "/\u3000/x"]) {
    for (const path of ["/api/auth/signin", "/api/auth/signout", "/signin", "/api/auth/error"]) {
      const res = await request.get(`${path}?callbackUrl=${encodeURIComponent(cb)}`, { maxRedirects: 0 });
      expect(res.status(), `${path} ${JSON.stringify(cb)}`).toBeLessThan(500);
      const location = res.headers()["location"];
      if (location) expect(new URL(location, "http://localhost").host).not.toContain("evil");
    }
  }
  for (const value of ["http%3A%2F%2F%5B", "https%3A%2F%2Fevil.example%2F", "%2F%09%2Fevil.example"]) {
    const res = await request.get("/api/auth/signin", { headers: { cookie: `next-auth.callback-url=${value}` }, maxRedirects: 0 });
    expect(res.status()).toBeLessThan(500);
    expect(res.headers()["location"] ?? "").not.toContain("evil");
    const csrf = await (await request.get("/api/auth/csrf", { headers: { cookie: `next-auth.callback-url=${value}` } })).json();
    const post = await request.post("/api/auth/callback/credentials", {
      headers: { cookie: `next-auth.callback-url=${value}` },
      form: { csrfToken: csrf.csrfToken, email: "nobody@session.test", password: "wrong-password", json: "true" },
      maxRedirects: 0,
    });
    expect(post.status()).toBeLessThan(500);
    expect(post.headers()["location"] ?? "").not.toContain("evil");
  }
});
