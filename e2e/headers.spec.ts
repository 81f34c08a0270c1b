// Response headers on the running server: a nonce CSP on every page (crawled as each role) that
// the browser never has to enforce against Keyport's own code, the browser key generation under
// it, the static headers, no-store on authenticated answers, a 413 for a server-action body over
// 1 MiB (declared or chunked), and — on a second instance whose NEXTAUTH_URL is https — HSTS,
// Secure cookies and an API rate limit counted together with the first instance.
import { type Browser, type Page, expect, test } from "@playwright/test";
import type { ChildProcess } from "node:child_process";
import { keyport, signInAs } from "./support/helpers";
import { E2E_PASSWORDS } from "./support/env";
import { startInstance, stopInstance } from "./support/instance";

const run = Math.random().toString(36).slice(2, 7);
const HSTS = "max-age=63072000; includeSubDomains";

/** Content-Security-Policy → { directive: [values] } */
function directives(csp: string | undefined): Record<string, string[]> {
  expect(csp, "a Content-Security-Policy header").toBeTruthy();
  return Object.fromEntries(
    csp!
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

/** CSP violations and CSP / Permissions-Policy console errors the page reports, from before its first script. */
async function watchPolicies(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction("__reportViolation", (v: string) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { __reportViolation: (v: string) => void }).__reportViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} on ${location.pathname}`),
    );
  });
  page.on("console", (m) => {
    if (/Content Security Policy|Permissions-Policy|Unrecognized feature/i.test(m.text())) seen.push(`console ${m.type()}: ${m.text()}`);
  });
  return seen;
}

/** The page's document: its CSP's nonce is fresh, script-src has no 'unsafe-inline', and every script element in the HTML carries the nonce. */
async function checkDocument(page: Page, url: string, nonces: Set<string>) {
  const res = await page.goto(url);
  expect(res, url).toBeTruthy();
  expect(res!.status(), url).toBeLessThan(500);
  const headers = res!.headers();
  const csp = directives(headers["content-security-policy"]);
  const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(csp["script-src"].find((v) => v.startsWith("'nonce-")) ?? "")?.[1];
  expect(nonce, `${url}: script-src has a nonce`).toBeTruthy();
  expect(nonces.has(nonce!), `${url}: the nonce is new`).toBe(false);
  nonces.add(nonce!);
  expect(csp["script-src"], url).not.toContain("'unsafe-inline'");
  expect(csp["script-src"], url).not.toContain("'unsafe-eval'");
  expect(csp["script-src"], url).toContain("'strict-dynamic'");
  for (const [name, value] of [
    ["frame-ancestors", "'none'"],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["form-action", "'self'"],
  ]) {
    expect(csp[name], `${url}: ${name}`).toEqual([value]);
  }
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  // Over plain HTTP (NEXTAUTH_URL http://localhost…): no HSTS.
  expect(headers["strict-transport-security"]).toBeUndefined();
  const html = await res!.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length, `${url}: scripts`).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, `${url}: every script carries the nonce`).toContain(`nonce="${nonce}"`);
  expect(html, `${url}: no style="" attribute (style-src has no 'unsafe-inline')`).not.toMatch(/<[^>]+\sstyle="/);
}

/** The pages a role reaches by following links from its home, breadth first (route-handler downloads left out). */
async function crawl(page: Page, home: string, limit = 20): Promise<string[]> {
  const seen = new Set<string>([home]);
  const queue = [home];
  const pages: string[] = [];
  while (queue.length && pages.length < limit) {
    const url = queue.shift()!;
    pages.push(url);
    await page.goto(url);
    // Links to files (a download attribute, or a route handler's path) are not pages.
    const hrefs = await page.locator("a[href^='/']:not([download])").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute("href")!));
    for (const href of hrefs) {
      const p = href.split("#")[0];
      if (!p || seen.has(p) || /\/(download|export|pkcs12|checkpoint|checkpoint-key)\b|\.(cer|crl|pem|json)$|^\/signout|^\/api\//.test(p)) continue;
      seen.add(p);
      queue.push(p);
    }
  }
  return pages;
}

async function asRole(browser: Browser, email: string, home: string, fn: (page: Page) => Promise<void>) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signInAs(page, email, home);
    await fn(page);
  } finally {
    await context.close();
  }
}

test("[anonymous] the public pages and a missing page answer a nonce CSP, and a role area still redirects to sign-in", async ({ page, request }) => {
  const violations = await watchPolicies(page);
  const nonces = new Set<string>();
  for (const url of ["/", "/signin", "/no-such-page"]) await checkDocument(page, url, nonces);
  const redirect = await request.get("/partner/requests?x=1", { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expect(redirect.headers()["location"]).toMatch(/\/signin\?callbackUrl=%2Fpartner%2Frequests%3Fx%3D1$/);
  expect(redirect.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(violations).toEqual([]);
});

for (const [email, home] of [
  ["partner@acme.test", "/partner"],
  ["officer1@keyport.test", "/officer"],
  ["admin@keyport.test", "/admin"],
  ["gateway@keyport.test", "/gateway"],
] as const) {
  test(`[${home.slice(1)}] every page reached from ${home} answers a fresh nonce CSP that its own scripts and styles satisfy`, async ({ browser }) => {
    test.setTimeout(180_000); // up to 20 pages, each loaded twice
    await asRole(browser, email, home, async (page) => {
      const violations = await watchPolicies(page);
      const pages = await crawl(page, home);
      expect(pages.length).toBeGreaterThan(1);
      const nonces = new Set<string>();
      for (const url of pages) await checkDocument(page, url, nonces);
      expect(violations, pages.join(" ")).toEqual([]);
    });
  });
}

test("[partner] generates a key and CSR in the browser under the CSP without a single violation", async ({ page }) => {
  const violations = await watchPolicies(page);
  await signInAs(page, "partner@acme.test", "/partner");
  await page.goto("/partner/requests/new?env=PPR");
  await page.getByRole("tab", { name: "Generate key and CSR in my browser" }).click();
  const keygen = page.getByTestId("browser-keygen");
  for (const keyType of ["ecdsa-p256", "rsa-2048"]) {
    const options = await keygen.getByLabel("Key type").locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    if (!options.includes(keyType)) continue;
    await keygen.getByLabel("Key type").selectOption(keyType);
    await keygen.getByLabel("CN").fill(`acme-csp-${run}-${keyType}`);
    await keygen.getByRole("button", { name: /Generate key and CSR|Generate a new key/ }).click();
    await expect(page.getByTestId("live-subject")).toHaveText(`CN=acme-csp-${run}-${keyType}`);
    await expect(keygen.getByRole("button", { name: /Download private key/ })).toBeVisible();
  }
  expect(violations).toEqual([]);
});

test("[partner] a server-action body over 1 MiB answers 413 with a message, declared or chunked; the API and downloads are no-store", async ({ page }) => {
  await signInAs(page, "partner@acme.test", "/partner");
  await page.goto("/partner/allowlist");
  // A real server action's id, from a submission the action refuses (nothing is stored).
  const sent = page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
  const form = page.getByRole("form", { name: "Request PPR allowlist entries" });
  await form.getByLabel("IP addresses or CIDR ranges").fill("not-an-address");
  await form.getByRole("button", { name: /Request entries for PPR/ }).click();
  const action = await sent;
  const actionId = action.headers()["next-action"];
  const base = new URL(page.url()).origin;
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const headers = { cookie, "next-action": actionId, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" };
  const big = JSON.stringify(["x".repeat(1024 * 1024 + 10)]);

  const declared = await fetch(`${base}/partner/allowlist`, { method: "POST", headers, body: big });
  expect(declared.status).toBe(413);
  expect(declared.headers.get("content-type")).toBe("text/plain"); // Next.js shows a text/plain body as the action's error
  expect(await declared.text()).toMatch(/larger than 1 MiB/);

  const chunks = Array.from({ length: 20 }, () => new TextEncoder().encode("y".repeat(64 * 1024)));
  const chunked = await fetch(`${base}/partner/allowlist`, {
    method: "POST",
    headers,
    body: new ReadableStream({
      pull(c) {
        const next = chunks.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    }),
    duplex: "half",
  } as RequestInit);
  expect(chunked.status).toBe(413);

  // Under the limit the same action still answers (here: its validation message), not 413.
  const small = await fetch(`${base}/partner/allowlist`, { method: "POST", headers, body: JSON.stringify(["x".repeat(1000)]) });
  expect(small.status).not.toBe(413);

  // Authenticated answers are never cached: next-auth's, a page download's.
  for (const url of ["/api/auth/session", "/api/auth/csrf", "/api/auth/providers"]) {
    const res = await page.request.get(url);
    expect(res.headers()["cache-control"], url).toContain("no-store");
    expect(res.headers()["content-security-policy"], url).toBe("default-src 'none'; frame-ancestors 'none'");
  }
});

test.describe("a second instance served as https://", () => {
  let child: ChildProcess | undefined;
  const port = Number(process.env.KEYPORT_E2E_PORT) + 3;
  const origin = `http://localhost:${port}`;

  test.beforeAll(async () => {
    child = await startInstance(port, { NEXTAUTH_URL: "https://keyport.example", KEYPORT_API_RATE_LIMIT_TOKEN: "5" });
  });

  test.afterAll(() => stopInstance(child));

  test("[anonymous] pages and API answers carry HSTS; next-auth's cookies are Secure", async () => {
    const home = await fetch(`${origin}/`);
    expect(home.headers.get("strict-transport-security")).toBe(HSTS);
    expect(directives(home.headers.get("content-security-policy") ?? undefined)["upgrade-insecure-requests"]).toEqual([]);
    expect((await fetch(`${origin}/api/v1/me`)).headers.get("strict-transport-security")).toBe(HSTS);

    const csrf = await fetch(`${origin}/api/auth/csrf`);
    const csrfCookie = csrf.headers.getSetCookie().find((c) => c.includes("next-auth.csrf-token="));
    expect(csrfCookie).toMatch(/^__Host-next-auth\.csrf-token=/);
    expect(csrfCookie).toMatch(/;\s*Secure/i);
    const { csrfToken } = await csrf.json();
    const signin = await fetch(`${origin}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie!.split(";")[0] },
      body: new URLSearchParams({ csrfToken, email: "partner@acme.test", password: E2E_PASSWORDS["partner@acme.test"], json: "true" }),
    });
    const session = signin.headers.getSetCookie().find((c) => c.includes("next-auth.session-token="));
    expect(session, `sign-in answered ${signin.status}`).toMatch(/^__Secure-next-auth\.session-token=/);
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
  });

  test("[api] one token's calls are counted across both instances: 429 with Retry-After past the limit", async ({ request }) => {
    const t = keyport(["token", "create", "--user", "officer1@keyport.test", "--name", `headers-e2e-${run}`]);
    expect(t.code, t.stderr).toBe(0);
    const authorization = `Bearer ${t.stdout.trim()}`;
    // Three on the first instance (limit 600 there)...
    for (let i = 0; i < 3; i++) {
      const res = await request.get("/api/v1/me", { headers: { authorization } });
      expect(res.status()).toBe(200);
      expect(res.headers()["cache-control"]).toBe("no-store");
      expect(res.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    }
    // ...so the second (limit 5) lets two more through and refuses the sixth.
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${origin}/api/v1/me`, { headers: { authorization } });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses).toEqual([200, 200, 429]);
    const retryAfter = Number(refused!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused!.headers.get("cache-control")).toBe("no-store");
    expect((await refused!.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/limit is 5 per minute/) });
  });
});
