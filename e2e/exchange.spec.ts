// The two-way exchange in Chromium, in production (PRD: two officers): an admin creates the
// provider client CA on Administration → Exchange; the partner downloads it and uploads the CA chain
// its servers use; two different officers endorse it, each in their own session; the exchange page
// says who acts next at every step. Then the Mojaloop step: an admin creates a provider CSR, the
// partner signs it with its own CA (openssl x509 -req) and uploads the certificate.
import { type Browser, type Page, expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signInAs } from "./support/helpers";

test.describe.configure({ mode: "serial" });

const dir = mkdtempSync(join(tmpdir(), "keyport-exchange-e2e-"));
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The partner's own CA hierarchy (root → server CA), made with openssl as a partner would. */
function partnerChain(): string {
  writeFileSync(file("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key", "-out", "root.pem", "-days", "3650", "-subj", "/O=Acme Payments AS/CN=Acme E2E Root CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "issuing.key", "-out", "issuing.csr", "-subj", "/O=Acme Payments AS/CN=Acme E2E Server CA");
  openssl("x509", "-req", "-in", "issuing.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "0x1a2b3c", "-days", "1825", "-sha256", "-extfile", "ca.ext", "-out", "issuing.pem");
  return readFileSync(file("issuing.pem"), "utf8") + readFileSync(file("root.pem"), "utf8");
}

async function pageAs(browser: Browser, email: string, home: string): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signInAs(page, email, home);
  return page;
}

const next = (page: Page, kind: string) => page.getByTestId(`next-${kind}`);
const step = (page: Page, kind: string) => page.locator("tr", { has: page.locator(`[data-kind="${kind}"]`) });

test("[ADMIN] [PARTNER] [OFFICER] exchange in production: chain uploaded, provider client CA downloaded, endorsed by two officers, who acts next at each step", async ({ browser }) => {
  const admin = await pageAs(browser, "admin@keyport.test", "/admin");
  await admin.goto("/admin/exchange?env=PRD");
  const partner = await pageAs(browser, "partner@acme.test", "/partner");
  await partner.goto("/partner/exchange?env=PRD");
  await expect(next(partner, "provider-client-ca")).toHaveText("Provider's admin");
  await expect(next(partner, "partner-server-chain")).toHaveText("Partner");

  // The admin creates the provider client CA from the web (not only the CLI).
  await admin.getByRole("button", { name: "Create provider client CA" }).click();
  await expect(admin.getByRole("region", { name: "Provider client CA" })).toContainText("Created. Partners download it");

  // The partner is next: download the provider client CA (recorded, so the item is done).
  await partner.reload();
  await expect(next(partner, "provider-client-ca")).toHaveText("Partner");
  const download = partner.waitForEvent("download");
  await partner.getByRole("list", { name: "Provider client CA downloads" }).getByRole("link", { name: "PEM" }).click();
  const pem = readFileSync(await (await download).path(), "utf8");
  expect(pem).toContain("-----BEGIN CERTIFICATE-----");
  writeFileSync(file("provider-client-ca.pem"), pem);
  expect(execFileSync("openssl", ["x509", "-in", file("provider-client-ca.pem"), "-noout", "-subject"]).toString()).toMatch(/Provider Client CA/);
  await partner.reload();
  await expect(next(partner, "provider-client-ca")).toHaveText("Nobody (done)");

  // The partner uploads its chain: checked at once; officers act next.
  await partner.getByLabel("CA chain (PEM: root and intermediates)").fill(partnerChain());
  await partner.getByLabel("Your server's URL (optional)").fill("https://api.acme.test:8443");
  await partner.getByRole("button", { name: "Upload and check" }).click();
  await expect(partner.getByText(/Uploaded and checked/)).toBeVisible();
  await partner.reload();
  await expect(next(partner, "partner-server-chain")).toHaveText("Provider's officers");
  await expect(step(partner, "partner-server-chain")).toContainText("(0 of 2)");

  // Officer 1 endorses: one of two; the same officer cannot give the second.
  const officer1 = await pageAs(browser, "officer1@keyport.test", "/officer");
  await officer1.goto("/officer/exchange?env=PRD");
  const decision1 = officer1.locator('[data-testid^="chain-decision-"]').first();
  await decision1.getByLabel("Comment (optional)").fill("Root fingerprint confirmed by phone");
  await decision1.getByRole("button", { name: "Endorse" }).click();
  await expect(officer1.getByText("Endorsed: 1 of 2. Another officer must endorse it.")).toBeVisible();
  await partner.reload();
  await expect(next(partner, "partner-server-chain")).toHaveText("Provider's officers");
  await expect(step(partner, "partner-server-chain")).toContainText("(1 of 2)");
  await officer1.reload();
  await officer1.locator('[data-testid^="chain-decision-"]').first().getByRole("button", { name: "Endorse" }).click();
  await expect(officer1.getByText(/already approved this request/)).toBeVisible();

  // Officer 2, in another session, gives the second endorsement: the chain is active.
  const officer2 = await pageAs(browser, "officer2@keyport.test", "/officer");
  await officer2.goto("/officer/exchange?env=PRD");
  await officer2.locator('[data-testid^="chain-decision-"]').first().getByRole("button", { name: "Endorse" }).click();
  // Endorsed: it leaves the queue (the form's own message goes with it).
  await expect(officer2.getByText("Nothing waits for endorsement.")).toBeVisible();
  await partner.reload();
  await expect(next(partner, "partner-server-chain")).toHaveText("Nobody (done)");
  await expect(partner.getByRole("table", { name: "Your server CA chains" })).toContainText("endorsed");

  // Officers' overview: acme no longer waits on the provider for its chain.
  await officer2.goto("/officer/exchange?env=PRD&org=acme");
  await expect(next(officer2, "partner-server-chain")).toHaveText("Nobody (done)");
  await expect(next(officer2, "provider-client-ca")).toHaveText("Nobody (done)");

  // Mojaloop step: the admin creates a provider CSR for acme; the partner signs it with its own CA.
  await admin.reload();
  const create = admin.getByRole("form", { name: "Create a provider CSR" });
  await create.getByLabel("Partner organisation").selectOption("acme");
  await create.getByLabel("CN (Keyport generates and seals the key)").fill("provider-egress-acme");
  await create.getByRole("button", { name: "Create CSR" }).click();
  await expect(admin.getByText(/Created the CSR .*provider-egress-acme for acme/)).toBeVisible();
  await partner.reload();
  await expect(next(partner, "provider-csr-signed")).toHaveText("Partner");
  const csrDownload = partner.waitForEvent("download");
  await partner.getByRole("link", { name: "Download the CSR (PEM)" }).click();
  writeFileSync(file("provider.csr"), readFileSync(await (await csrDownload).path()));
  writeFileSync(file("client.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "provider.csr", "-CA", "issuing.pem", "-CAkey", "issuing.key", "-set_serial", "0x4d5e6f", "-days", "365", "-sha256", "-extfile", "client.ext", "-out", "no-client-auth.pem");
  // Without clientAuth: refused, named, nothing changes.
  await partner.getByLabel("Certificate your CA issued for this CSR (PEM)").fill(readFileSync(file("no-client-auth.pem"), "utf8"));
  await partner.getByRole("form", { name: "Upload the signed certificate" }).getByRole("button", { name: "Upload and check" }).click();
  await expect(partner.getByRole("alert").filter({ hasText: /lacks clientAuth/ })).toBeVisible();
  writeFileSync(file("client.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
  openssl("x509", "-req", "-in", "provider.csr", "-CA", "issuing.pem", "-CAkey", "issuing.key", "-set_serial", "0x4d5e70", "-days", "365", "-sha256", "-extfile", "client.ext", "-out", "signed.pem");
  await partner.getByLabel("Certificate your CA issued for this CSR (PEM)").fill(readFileSync(file("signed.pem"), "utf8"));
  await partner.getByRole("form", { name: "Upload the signed certificate" }).getByRole("button", { name: "Upload and check" }).click();
  // Accepted: the CSR leaves the to-sign list, and the certificate in use is shown.
  await expect(partner.getByText(/In use: the certificate your CA signed/)).toBeVisible();
  await partner.reload();
  await expect(next(partner, "provider-csr-signed")).toHaveText("Nobody (done)");
});
