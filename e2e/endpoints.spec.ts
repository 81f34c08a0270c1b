// The endpoint registry and readiness probe in the browser (issue 18, items 5–6): a partner
// registers a callback URL, an officer confirms it, and the partner runs the probe against its
// own server (a Node https server on loopback that requires a client certificate from the
// provider client CA) and sees the classified result on the exchange page.
import { type Browser, expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyport, signInAs } from "./support/helpers";

let dir: string;
let server: Server | undefined;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keyport-e2e-endpoints-"));
});
test.afterAll(async () => {
  if (server) await new Promise((r) => server!.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function pageAs(browser: Browser, email: string, home: string) {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email, home);
  return page;
}

/** The partner's server hierarchy, made by openssl: a root CA and a server certificate for 127.0.0.1. */
function partnerPki() {
  const f = (n: string) => join(dir, n);
  writeFileSync(f("root.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
  writeFileSync(f("srv.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\nauthorityKeyIdentifier=keyid\n");
  const run = (...a: string[]) => execFileSync("openssl", a, { stdio: "pipe" });
  run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f("root.key"), "-out", f("root.csr"), "-subj", "/CN=Acme E2E Server Root/O=Acme");
  run("x509", "-req", "-in", f("root.csr"), "-signkey", f("root.key"), "-days", "3650", "-sha256", "-extfile", f("root.ext"), "-out", f("root.pem"));
  run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f("srv.key"), "-out", f("srv.csr"), "-subj", "/CN=127.0.0.1/O=Acme");
  run("x509", "-req", "-in", f("srv.csr"), "-CA", f("root.pem"), "-CAkey", f("root.key"), "-CAcreateserial", "-days", "365", "-sha256", "-extfile", f("srv.ext"), "-out", f("srv.pem"));
  return { root: readFileSync(f("root.pem"), "utf8"), key: readFileSync(f("srv.key"), "utf8"), cert: readFileSync(f("srv.pem"), "utf8") };
}

test("[partner] registers a callback URL, an officer confirms it, the partner sees the probe result on the exchange page", async ({ browser, request }) => {
  test.setTimeout(120_000);
  // The provider client CA of PPR (created once; a second run finds it there).
  const init = keyport(["ca", "init-provider-client", "--env", "PPR"]);
  expect(init.code === 0 || /already has a provider client CA/.test(init.stderr), init.stderr).toBe(true);
  const providerCa = await (await request.get("/api/v1/environments/PPR/provider-client-ca?format=pem")).text();
  expect(providerCa).toContain("BEGIN CERTIFICATE");

  // The partner's server: trusts only the provider client CA for client certificates.
  const pki = partnerPki();
  server = createServer({ key: pki.key, cert: pki.cert, ca: providerCa, requestCert: true, rejectUnauthorized: true }, (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ready");
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/ready`;

  const partner = await pageAs(browser, "partner@acme.test", "/partner");
  const officer = await pageAs(browser, "officer1@keyport.test", "/officer");

  // The probe trusts only the partner's endorsed server CA chain: upload it, an officer endorses it.
  await partner.goto("/partner/exchange?env=PPR");
  await partner.getByLabel("CA chain (PEM: root and intermediates)").fill(pki.root);
  await partner.getByRole("button", { name: "Upload and check" }).click();
  await expect(partner.getByText(/Uploaded and checked/)).toBeVisible();
  await officer.goto("/officer/exchange?env=PPR");
  await officer.locator("[data-testid^=chain-decision-]").first().getByRole("button", { name: "Endorse" }).click();
  // The page revalidates: the chain leaves the queue.
  await expect(officer.getByText("Nothing waits for endorsement.")).toBeVisible();

  // A bad URL is refused with its rule, and nothing is listed.
  await partner.reload();
  await partner.getByLabel("URL or IP range").fill(`${url}?debug=1`);
  await partner.getByRole("button", { name: "Register" }).click();
  await expect(partner.getByRole("alert").filter({ hasText: "Remove the query" }).first()).toBeVisible();
  // The callback URL itself.
  await partner.getByLabel("URL or IP range").fill(url);
  await partner.getByRole("button", { name: "Register" }).click();
  await expect(partner.getByText(/Registered https:\/\/127\.0\.0\.1:\d+\/ready .*Officers confirm it next\./)).toBeVisible();
  await partner.reload();
  await expect(partner.getByRole("table", { name: "Your endpoints" })).toContainText("new");

  // An officer confirms it (PPR needs one officer).
  await officer.goto("/officer/exchange?env=PPR");
  const decision = officer.locator("[data-testid^=endpoint-decision-]").first();
  await expect(officer.getByText(url)).toBeVisible();
  await decision.getByRole("button", { name: "Confirm" }).click();
  await expect(officer.getByText("No endpoint waits for confirmation.")).toBeVisible();

  // The partner runs the probe and sees the classified result with its evidence.
  await partner.reload();
  await expect(partner.getByRole("table", { name: "Your endpoints" })).toContainText("confirmed");
  await partner.getByRole("button", { name: "Run probe" }).first().click();
  await expect(partner.getByText(/^ok 200: Mutual TLS works/)).toBeVisible({ timeout: 30_000 });
  await partner.reload();
  const results = partner.getByRole("table", { name: "Readiness probe results" });
  await expect(results).toContainText("ok 200");
  await expect(results).toContainText("CN=127.0.0.1");
  await expect(partner.getByText("Readiness probe, provider → partner callback (provider → partner)")).toBeVisible();
});
