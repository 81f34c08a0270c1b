// JWS signing keys in the browser (issue 18): a partner uploads a JWS public key, an officer
// endorses it, the partner sees the provider's JWKS and checks an openssl-signed request.
import { type Browser, expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyport, signInAs } from "./support/helpers";

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keyport-e2e-jws-"));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

async function pageAs(browser: Browser, email: string, home: string) {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email, home);
  return page;
}

test("[partner] uploads a JWS key, an officer endorses it, the partner sees the provider JWKS and checks a signature", async ({ browser, request }) => {
  // The partner's signer: an RSA key made by openssl (not the TLS key).
  execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", join(dir, "k.pem")], { stdio: "pipe" });
  const publicPem = execFileSync("openssl", ["pkey", "-in", join(dir, "k.pem"), "-pubout"]).toString();

  // The provider's key, generated and sealed by Keyport.
  const gen = keyport(["provider", "jws", "generate", "--env", "PPR"]);
  expect(gen.code, gen.stderr).toBe(0);
  const providerKid = gen.stdout.trim();

  const partner = await pageAs(browser, "partner@acme.test", "/partner");
  await partner.getByRole("link", { name: "JWS keys" }).click();
  await partner.goto("/partner/jws?env=PPR");
  // A private key is refused and not echoed back.
  await partner.getByLabel("JWS public key (PEM public key, JWK, or PEM certificate)").fill(readFileSync(join(dir, "k.pem"), "utf8"));
  await partner.getByRole("button", { name: "Upload JWS key" }).click();
  await expect(partner.getByRole("alert").filter({ hasText: "This is a private key" }).first()).toBeVisible();
  await expect(partner.getByLabel("JWS public key (PEM public key, JWK, or PEM certificate)")).toHaveValue("");
  await partner.getByLabel("JWS public key (PEM public key, JWK, or PEM certificate)").fill(publicPem);
  await partner.getByRole("button", { name: "Upload JWS key" }).click();
  await expect(partner.getByText(/Uploaded RSA 2048 for RS256, kid [A-Za-z0-9_-]{43}\. Officers endorse it next\./)).toBeVisible();
  const kid = /kid ([A-Za-z0-9_-]{43})/.exec((await partner.getByText(/Officers endorse it next/).textContent())!)![1];
  await partner.reload();
  await expect(partner.getByRole("table", { name: "JWS keys" })).toContainText("pending");

  // An officer endorses (PPR needs one officer).
  const officer = await pageAs(browser, "officer1@keyport.test", "/officer");
  await officer.goto("/officer/jws?env=PPR");
  const decision = officer.locator("[data-testid^=jws-decision-]").first();
  await decision.getByRole("button", { name: "Endorse key" }).click();
  // The page revalidates: the key leaves the queue and is listed as endorsed and active.
  await expect(officer.getByRole("region", { name: "Endorsed keys in PPR" })).toContainText(kid);
  await expect(officer.getByRole("region", { name: "Endorsed keys in PPR" })).toContainText("active");
  await expect(officer.getByText("Nothing waits for endorsement.")).toBeVisible();

  // The partner: the key is active, the provider's key is listed, and its JWKS is public.
  await partner.reload();
  await expect(partner.getByRole("table", { name: "JWS keys" })).toContainText("active");
  await expect(partner.getByTestId(`provider-jws-${providerKid}`)).toBeVisible();
  const jwks = await request.get("/.well-known/jwks/PPR/provider.json");
  expect(jwks.status()).toBe(200);
  expect((await jwks.json()).keys.map((k: { kid: string }) => k.kid)).toContain(providerKid);
  const etag = jwks.headers().etag;
  expect((await request.get("/.well-known/jwks/PPR/provider.json", { headers: { "if-none-match": etag } })).status()).toBe(304);
  // The partner JWKS needs a token.
  expect((await request.get("/.well-known/jwks/PPR.json")).status()).toBe(401);

  // The signature check tool: a Mojaloop request signed by openssl verifies; a changed body does not.
  const date = new Date().toUTCString();
  const protectedHeader = b64url(JSON.stringify({ alg: "RS256", "FSPIOP-URI": "/transfers", "FSPIOP-HTTP-Method": "POST", "FSPIOP-Source": "acme", Date: date }));
  const body = '{"transferId":"1","amount":{"amount":"10","currency":"EUR"}}';
  writeFileSync(join(dir, "in"), `${protectedHeader}.${b64url(body)}`);
  const signature = b64url(execFileSync("openssl", ["dgst", "-sha256", "-sign", join(dir, "k.pem"), join(dir, "in")]));
  const http = (b: string) => `POST /transfers HTTP/1.1\nDate: ${date}\nFSPIOP-Source: acme\nFSPIOP-Signature: ${JSON.stringify({ signature, protectedHeader })}\n\n${b}`;
  await partner.getByLabel("Request: request line, headers (with FSPIOP-Signature), empty line, body").fill(http(body));
  await partner.getByRole("button", { name: "Check signature" }).click();
  await expect(partner.getByText(`Verified: Verified with key ${kid} (RS256)`, { exact: false })).toBeVisible();
  await partner.getByLabel("Request: request line, headers (with FSPIOP-Signature), empty line, body").fill(http(body.replace("10", "11")));
  await partner.getByRole("button", { name: "Check signature" }).click();
  await expect(partner.getByText("Not verified (body_changed)", { exact: false })).toBeVisible();

  // The exchange page lists both JWS items.
  await partner.goto("/partner/exchange?env=PPR");
  await expect(partner.getByText("Partner JWS signing key, endorsed (partner → provider)")).toBeVisible();
  await expect(partner.getByText("Provider JWS signing keys, published (provider → partner)")).toBeVisible();
});
