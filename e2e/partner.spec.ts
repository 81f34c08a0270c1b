// A partner's integration team in Chromium: the new-request page with live checks and the
// exact openssl commands, a private key refused without leaving the browser, a server refusal
// that stores nothing, a DER upload, a key + CSR generated in the browser (the network is
// watched: the key is never sent), every download checked with openssl / keytool / unzip,
// "PKCS#12 with my key" built in the browser, renewal, revocation, the allowlist, settings,
// and the connectivity test run with curl against Keyport's own mTLS listener.
import { type APIRequestContext, type Page, type Request, expect, test } from "@playwright/test";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyport, signInAs } from "./support/helpers";

test.describe.configure({ mode: "serial" });

const dir = mkdtempSync(join(tmpdir(), "keyport-partner-e2e-"));
const file = (name: string) => join(dir, name);
const run = Math.random().toString(36).slice(2, 7);
const PASSPHRASE = "browser key passphrase 1";
let officerToken = "";
let partnerToken = "";
let browserCertId = "";

test.beforeAll(() => {
  for (const [user, set] of [
    ["officer1@keyport.test", (t: string) => (officerToken = t)],
    ["partner@acme.test", (t: string) => (partnerToken = t)],
  ] as const) {
    const t = keyport(["token", "create", "--user", user, "--name", `partner-e2e-${run}-${user}`]);
    expect(t.code, t.stderr).toBe(0);
    set(t.stdout.trim());
  }
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: "utf8", input, timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** An openssl key + CSR, as a partner makes them by hand. */
function opensslCsr(name: string, subj: string, newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]): string {
  execFileSync("openssl", ["req", "-new", ...newkey, "-nodes", "-keyout", file(`${name}.key`), "-out", file(`${name}.csr`), "-subj", subj], { stdio: "pipe" });
  return readFileSync(file(`${name}.csr`), "utf8");
}

/** Every request body the page sends (server actions, fetches), to prove what never leaves the browser. */
function recordBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on("request", (r: Request) => {
    const b = r.postDataBuffer();
    bodies.push(`${r.url()}\n${b ? b.toString("latin1") : ""}`);
  });
  return bodies;
}

async function approveAsOfficer(request: APIRequestContext, path: string) {
  const res = await request.post(path, { headers: { authorization: `Bearer ${officerToken}` }, data: {} });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function download(page: Page, click: () => Promise<void>, name?: string): Promise<{ path: string; suggested: string }> {
  const [d] = await Promise.all([page.waitForEvent("download"), click()]);
  const target = file(name ?? d.suggestedFilename());
  await d.saveAs(target);
  return { path: target, suggested: d.suggestedFilename() };
}

test("[partner] new request: live checks and openssl commands; a private key is refused in the browser; a refused CSR stores nothing; PEM paste and DER upload submit", async ({ page, request }) => {
  const bodies = recordBodies(page);
  await signInAs(page, "partner@acme.test", "/partner");
  await page.getByTestId("partner-nav").getByRole("link", { name: "New certificate" }).click();
  await expect(page).toHaveURL(/\/partner\/requests\/new/);
  await page.getByLabel("Environment").selectOption("PPR");

  // The exact commands for this profile, organisation and environment.
  const commands = page.getByTestId("openssl-commands");
  await expect(commands.getByTestId("openssl-ecdsa-p256")).toContainText("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256");
  await expect(commands.getByTestId("openssl-ecdsa-p256")).toContainText("-subj '/CN=acme-ppr-client'");
  await expect(commands.getByTestId("openssl-rsa-3072")).toContainText("-newkey rsa:3072");
  await expect(commands.getByRole("button", { name: "Copy ECDSA P-256 command" })).toBeVisible();
  // The command really produces a CSR that passes (run it as shown, without the passphrase prompt).
  const shown = (await commands.getByTestId("openssl-ecdsa-p256").textContent())!.replace(/\s*\\\n\s*/g, " ");
  const ran = sh("bash", ["-c", `${shown.replace("openssl req -new", "openssl req -new -noenc")}`]);
  expect(ran.code, ran.out).toBe(0);
  expect(sh("openssl", ["req", "-in", "acme-ppr.csr", "-noout", "-verify"]).out).toContain("verify OK");

  // A private key pasted where the CSR belongs: refused by the browser, never sent.
  const csrBox = page.getByLabel("Certificate signing request (CSR)");
  execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file("pasted.key")]);
  const pastedKey = readFileSync(file("pasted.key"), "utf8");
  await csrBox.fill(pastedKey);
  await expect(page.getByText("This is a private key. It was not sent anywhere.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Submit request" })).toBeDisabled();

  // Too large for the server (64 KiB): a 1.2 MB file or paste is named by the live check and never sent.
  const submitButton = page.getByRole("button", { name: "Submit request" });
  await page.getByLabel("Choose a CSR file").setInputFiles({ name: "huge.csr", mimeType: "application/octet-stream", buffer: Buffer.alloc(1_200_000, 0x41) });
  await expect(page.getByTestId("live-checks").locator('[data-check="csr.too_large"]')).toHaveAttribute("data-result", "fail");
  await expect(submitButton).toBeDisabled();
  await expect(page.getByText("Not sent: The input is 1,200,000 bytes; at most 65,536 bytes (64 KiB) are accepted.", { exact: false })).toBeVisible();
  await page.getByRole("button", { name: "Remove file and paste instead" }).click();
  await csrBox.fill(`${"A".repeat(1_200_000)}`);
  await expect(page.getByTestId("live-checks").locator('[data-check="csr.too_large"]')).toHaveAttribute("data-result", "fail");
  await expect(submitButton).toBeDisabled();
  // Just over the limit, PEM-shaped: Submit stays disabled too.
  await csrBox.fill("");
  await csrBox.fill(`-----BEGIN CERTIFICATE REQUEST-----\n${"B".repeat(70_000)}\n-----END CERTIFICATE REQUEST-----\n`);
  await expect(submitButton).toBeDisabled();
  expect(bodies.filter((b) => b.length > 64 * 1024), "nothing above 64 KiB was sent").toEqual([]);

  // A CSR that fails a rule: the live check names it before anything is sent.
  await csrBox.fill(opensslCsr(`weak-${run}`, `/CN=acme weak ${run}`, ["-newkey", "rsa:1024"]));
  const live = page.getByTestId("live-checks");
  await expect(live.locator('[data-check="key.type"]')).toHaveAttribute("data-result", "fail");
  await expect(live.locator('[data-check="key.type"]')).toContainText("RSA 1024");
  await expect(live.locator('[data-check="subject.CN"]')).toHaveAttribute("data-result", "fail");

  // A good CSR passes every live check and is submitted.
  const good = opensslCsr(`good-${run}`, `/C=NO/O=Acme Payments AS/CN=acme-ppr-${run}`);
  await csrBox.fill(good);
  await expect(page.getByTestId("live-subject")).toHaveText(`C=NO, O=Acme Payments AS, CN=acme-ppr-${run}`);
  await expect(live.locator('[data-result="fail"]')).toHaveCount(0);
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page).toHaveURL(/\/partner\/requests\/[0-9a-f-]{36}\?submitted=1$/);
  await expect(page.getByTestId("submitted-notice")).toBeVisible();
  await expect(page.getByTestId("request-status")).toHaveText("pending");
  await expect(page.locator('[data-event="submitted"]')).toBeVisible();

  // The same key again: the browser cannot know, the server refuses it and stores nothing.
  const before = (await (await request.get("/api/v1/certificate-requests", { headers: { authorization: `Bearer ${partnerToken}` } })).json()).requests.length;
  await page.goto("/partner/requests/new?env=PPR");
  await page.getByLabel("Certificate signing request (CSR)").fill(good);
  await expect(page.getByTestId("live-checks").locator('[data-check="csr.signature"]')).toHaveAttribute("data-result", "pass");
  await page.getByRole("button", { name: "Submit request" }).click();
  const refused = page.getByTestId("server-result");
  await expect(refused).toContainText("Not submitted");
  await expect(refused.locator('[data-check="key.reuse"]')).toHaveAttribute("data-result", "fail");
  await expect(page).toHaveURL(/\/partner\/requests\/new/);
  const after = (await (await request.get("/api/v1/certificate-requests", { headers: { authorization: `Bearer ${partnerToken}` } })).json()).requests.length;
  expect(after).toBe(before);

  // A DER file chosen from disk.
  opensslCsr(`der-${run}`, `/CN=acme-der-${run}`);
  execFileSync("openssl", ["req", "-in", file(`der-${run}.csr`), "-outform", "DER", "-out", file(`der-${run}.der`)]);
  await page.goto("/partner/requests/new?env=PPR");
  await page.getByLabel("Choose a CSR file").setInputFiles(file(`der-${run}.der`));
  await expect(page.getByTestId("csr-file")).toContainText(`der-${run}.der`);
  await expect(page.getByTestId("live-subject")).toHaveText(`CN=acme-der-${run}`);
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page).toHaveURL(/\/partner\/requests\/[0-9a-f-]{36}\?submitted=1$/);
  await expect(page.getByTestId("request-subject")).toHaveText(`CN=acme-der-${run}`);

  expect(bodies.filter((b) => b.includes("PRIVATE KEY") || b.includes(pastedKey.split("\n")[1]))).toEqual([]);
});

test("[partner] generates key + CSR in the browser (the key never leaves it), gets it issued, downloads every format and builds a PKCS#12 with the key locally", async ({ page, request }) => {
  const bodies = recordBodies(page);
  await signInAs(page, "partner@acme.test", "/partner");
  await page.goto("/partner/requests/new?env=PPR");
  await page.getByRole("tab", { name: "Generate key and CSR in my browser" }).click();
  const keygen = page.getByTestId("browser-keygen");
  await keygen.getByLabel("Key type").selectOption("ecdsa-p256");
  await expect(keygen.getByLabel("CN")).toHaveValue("acme-ppr-client");
  // A CN the profile refuses and mismatched passphrases: both said at once, and no key is made.
  await keygen.getByLabel("CN").fill("bad cn");
  await keygen.getByLabel("Key passphrase (recommended)").fill(PASSPHRASE);
  await keygen.getByLabel("Passphrase again").fill("something else");
  await keygen.getByRole("button", { name: "Generate key and CSR" }).click();
  await expect(keygen.getByRole("alert")).toContainText("The two passphrases differ.");
  await expect(keygen.getByRole("alert")).toContainText('CN "bad cn" does not have the required form. Expected 1–64 characters, no whitespace.');
  await expect(keygen.getByRole("button", { name: /Download private key/ })).toHaveCount(0);
  await keygen.getByLabel("CN").fill(`acme-browser-${run}`);
  await keygen.getByLabel("Passphrase again").fill(PASSPHRASE);
  await keygen.getByRole("button", { name: "Generate key and CSR" }).click();
  await expect(page.getByTestId("live-subject")).toHaveText(`CN=acme-browser-${run}`);
  await expect(page.getByTestId("live-checks").locator('[data-result="fail"]')).toHaveCount(0);

  // Submitting waits for the key to be saved.
  const submit = page.getByRole("button", { name: "Submit request" });
  await expect(submit).toBeDisabled();
  await expect(keygen.getByRole("checkbox")).toBeDisabled();
  const key = await download(page, () => keygen.getByRole("button", { name: /Download private key/ }).click(), "browser.key");
  expect(key.suggested).toBe("acme-ppr.key");
  const keyPem = readFileSync(key.path, "utf8");
  expect(keyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  // openssl opens it with the passphrase; get the plain PKCS#8 to look for on the wire.
  const plain = sh("openssl", ["pkcs8", "-in", key.path, "-passin", `pass:${PASSPHRASE}`, "-outform", "DER", "-out", "browser.p8"]);
  expect(plain.code, plain.out).toBe(0);
  const pkcs8 = readFileSync(file("browser.p8"));
  await keygen.getByRole("checkbox").check();
  await expect(submit).toBeEnabled();
  await submit.click();
  await expect(page).toHaveURL(/\/partner\/requests\/[0-9a-f-]{36}\?submitted=1$/);
  const requestId = /requests\/([0-9a-f-]{36})/.exec(page.url())![1];

  // The network saw the CSR, never the key: not the PEM, not its DER, not the encrypted file.
  const csrBody = bodies.find((b) => b.includes("BEGIN CERTIFICATE REQUEST"));
  expect(csrBody, "the CSR was submitted").toBeTruthy();
  const needles = [
    "PRIVATE KEY",
    keyPem.split("\n")[1],
    pkcs8.toString("base64").slice(40, 100),
    pkcs8.subarray(30, 60).toString("latin1"),
    Buffer.from(pkcs8.subarray(30, 60)).toString("hex"),
  ];
  for (const needle of needles) expect(bodies.filter((b) => b.includes(needle)), `sent: ${needle}`).toEqual([]);

  // An officer approves (PPR needs one); the partner's page shows the certificate and its downloads.
  const approved = await approveAsOfficer(request, `/api/v1/certificate-requests/${requestId}/approve`);
  expect(approved.status).toBe("issued");
  browserCertId = approved.certificateId;
  await page.reload();
  await expect(page.getByTestId("request-status")).toHaveText("issued");
  await expect(page.locator('[data-event="approved"]')).toContainText("Olga Officer");
  await expect(page.locator('[data-event="issued"]')).toBeVisible();

  const downloads = page.getByRole("list", { name: "Downloads" });
  const get = async (label: string | RegExp) => (await download(page, () => downloads.getByRole("link", { name: label }).click())).path;
  const leaf = await get("Certificate (PEM)");
  const chain = await get("Chain, leaf first (PEM)");
  const rootFirst = await get("Chain, root first (PEM)");
  const der = await get("Certificate (DER .cer)");
  const p7b = await get("PKCS#7 (.p7b)");
  const zip = await get(/Bundle \(\.zip\)/);
  writeFileSync(file("bundle.zip"), readFileSync(zip));

  // The leaf's key is the browser's key; it verifies for client auth against the chain.
  expect(sh("openssl", ["x509", "-in", leaf, "-noout", "-pubkey"]).stdout).toBe(sh("openssl", ["pkey", "-inform", "DER", "-in", "browser.p8", "-pubout"]).stdout);
  const certs = (p: string) => readFileSync(p, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
  const [, issuing, root] = certs(chain);
  writeFileSync(file("issuing.pem"), issuing);
  writeFileSync(file("root.pem"), root);
  expect(sh("openssl", ["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "root.pem", "-untrusted", "issuing.pem", leaf]).out).toContain(": OK");
  expect(certs(rootFirst)).toEqual([root, issuing, certs(leaf)[0]]);
  expect(sh("openssl", ["x509", "-inform", "DER", "-in", der, "-noout", "-subject", "-nameopt", "RFC2253"]).out).toContain(`CN=acme-browser-${run}`);
  expect(sh("openssl", ["pkcs7", "-inform", "DER", "-in", p7b, "-print_certs", "-noout"]).out.match(/subject=/g)).toHaveLength(3);
  const listing = sh("unzip", ["-l", zip]).out;
  for (const name of ["README.txt", ".pem", "-chain.pem", "-chain-root-first.pem", ".p7b", ".cer"]) expect(listing).toContain(name);
  const readme = sh("unzip", ["-p", zip, "README.txt"]).out;
  expect(readme).toContain("openssl verify");
  expect(readme).toContain("curl --cert");
  expect(readme).toMatch(/SHA-256/);

  // The truststore: a password chosen here, listed by keytool as trusted entries.
  await page.getByLabel("Truststore password").fill("changeit-123");
  const trust = await download(page, () => page.getByRole("button", { name: "Download truststore (.p12)" }).click(), "trust.p12");
  const keytool = sh("keytool", ["-list", "-keystore", trust.path, "-storetype", "PKCS12", "-storepass", "changeit-123"]);
  expect(keytool.out.match(/trustedCertEntry/g)).toHaveLength(2); // issuing CA and root, not the leaf

  // PKCS#12 with my key: a key of another certificate is refused; the right one (encrypted) asks for its passphrase.
  const p12form = page.getByRole("form", { name: "PKCS#12 with my key" });
  await p12form.getByLabel("Private key file").setInputFiles(file("pasted.key"));
  await p12form.getByLabel("New .p12 password").fill("p12-password-1");
  await p12form.getByLabel("Password again").fill("p12-password-1");
  await p12form.getByRole("button", { name: "Build .p12 in my browser" }).click();
  await expect(p12form.getByText("This private key does not belong to this certificate.", { exact: false })).toBeVisible();
  await p12form.getByLabel("Private key file").setInputFiles(key.path);
  await p12form.getByRole("button", { name: "Build .p12 in my browser" }).click();
  await expect(p12form.getByText("This private key is encrypted: enter its passphrase.")).toBeVisible();
  await p12form.getByLabel("Key passphrase").fill(PASSPHRASE);
  const p12 = await download(page, () => p12form.getByRole("button", { name: "Build .p12 in my browser" }).click(), "mine.p12");
  await expect(p12form.getByRole("status")).toContainText(".p12 (key, certificate and CA chain), built in this browser");
  const info = sh("openssl", ["pkcs12", "-info", "-in", p12.path, "-passin", "pass:p12-password-1", "-noenc"]);
  expect(info.code, info.out).toBe(0);
  expect(info.out).toContain("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC");
  expect(info.out).toContain("MAC: sha256");
  expect(info.out.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(3);
  writeFileSync(file("from-p12.key"), info.out.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/)![0]);
  expect(sh("openssl", ["pkey", "-in", "from-p12.key", "-pubout"]).stdout).toBe(sh("openssl", ["x509", "-in", leaf, "-noout", "-pubkey"]).stdout);

  expect(bodies.filter((b) => b.includes("PRIVATE KEY") || b.includes(pkcs8.toString("base64").slice(40, 100)))).toEqual([]);
});

test("[partner] IP allowlist: each bad entry is named and nothing is stored; good entries are requested, approved, and can be asked to be removed", async ({ page, request }) => {
  await signInAs(page, "partner@acme.test", "/partner");
  await page.getByTestId("partner-nav").getByRole("link", { name: "IP allowlist" }).click();

  const prd = page.getByRole("form", { name: "Request PRD allowlist entries" });
  // The textarea takes no more than a request may hold (a huge paste is cut, never posted).
  await expect(prd.getByLabel("IP addresses or CIDR ranges")).toHaveAttribute("maxlength", "10000");
  await prd.getByLabel("IP addresses or CIDR ranges").fill("9".repeat(12_000));
  expect((await prd.getByLabel("IP addresses or CIDR ranges").inputValue()).length).toBe(10_000);
  await prd.getByLabel("IP addresses or CIDR ranges").fill("10.1.2.3/8\n0.0.0.0/0\n198.51.100.7\n2001:db8::/32");
  await prd.getByRole("button", { name: "Request entries for PRD" }).click();
  await expect(prd.getByText("Fix the entries marked below; nothing was submitted.")).toBeVisible();
  const results = prd.getByRole("list", { name: "Entry results" });
  await expect(results.locator('[data-entry="10.1.2.3/8"]')).toContainText("10.0.0.0/8");
  await expect(results.locator('[data-entry="0.0.0.0/0"]')).toHaveAttribute("data-result", "fail");
  await expect(results.locator('[data-entry="198.51.100.7"]')).toHaveAttribute("data-result", "fail");
  await expect(results.locator('[data-entry="2001:db8::/32"]')).toHaveAttribute("data-result", "fail");
  await expect(page.getByRole("table", { name: "PRD allowlist requests" })).toHaveCount(0);

  // PPR (not production): loopback is allowed with a warning; this is where the connectivity test will call from.
  const ppr = page.getByRole("form", { name: "Request PPR allowlist entries" });
  await ppr.getByLabel("IP addresses or CIDR ranges").fill("127.0.0.1");
  await ppr.getByLabel("Note for the officers").fill(`e2e connectivity ${run}`);
  await ppr.getByRole("button", { name: "Request entries for PPR" }).click();
  await expect(ppr.getByRole("status")).toContainText("Requested 1 entry for PPR: 127.0.0.1/32");
  const list = await (await request.get("/api/v1/ip-allowlist-requests?environment=PPR&status=pending", { headers: { authorization: `Bearer ${partnerToken}` } })).json();
  const mine = list.requests.find((r: { note: string }) => r.note === `e2e connectivity ${run}`);
  expect(mine).toBeTruthy();
  await approveAsOfficer(request, `/api/v1/ip-allowlist-requests/${mine.id}/approve`);

  await page.reload();
  const approved = page.getByRole("table", { name: "PPR approved entries" });
  await expect(approved).toContainText("127.0.0.1/32");
  await expect(page.getByTestId(`allowlist-request-status-${mine.id}`)).toContainText("approved");

  // Removal is a request too: the entry stays until an officer approves it.
  await approved.getByRole("button", { name: "Request removal of 127.0.0.1/32" }).click();
  const confirm = approved.getByRole("form", { name: "Confirm removal of 127.0.0.1/32" });
  await expect(confirm).toContainText("Remove 127.0.0.1/32 from PPR?");
  await confirm.getByRole("button", { name: "Yes, request removal" }).click();
  await expect(approved.getByRole("row").filter({ hasText: "127.0.0.1/32" })).toContainText("removal pending");
  await expect(page.getByRole("table", { name: "PPR allowlist requests" }).getByRole("row").filter({ hasText: "remove" })).toContainText("pending");
});

test("[partner] tests connectivity with the curl command the page gives; the result shows on the page and the certificate", async ({ page }) => {
  expect(browserCertId, "needs the certificate issued earlier").not.toBe("");
  await signInAs(page, "partner@acme.test", "/partner");
  await page.getByTestId("partner-nav").getByRole("link", { name: "Test connectivity" }).click();
  await page.getByRole("navigation", { name: "Environment" }).getByRole("link", { name: /^PPR/ }).click();
  const command = (await page.getByTestId("curl-command").textContent())!.replace(/\s*\\\n\s*/g, " ");
  expect(command).toMatch(/^curl --cert acme-ppr-[0-9a-f]{8}-chain\.pem --key acme-ppr\.key --cacert PPR-ca-chain\.pem https:\/\/localhost:\d+\/api\/healthCheck$/);

  // Lay the files out as the page says, then run its command (plus the key's passphrase).
  const chainName = /--cert (\S+)/.exec(command)![1];
  const chain = await download(page, () => page.getByRole("link", { name: "chain (leaf first)" }).click(), chainName);
  expect(chain.suggested).toBe(chainName);
  writeFileSync(file("acme-ppr.key"), readFileSync(file("browser.key")));
  await download(page, () => page.getByRole("link", { name: "PPR CA chain" }).click(), "PPR-ca-chain.pem");
  const curl = sh("bash", ["-c", `${command} --pass '${PASSPHRASE}' --silent --show-error --write-out '\\n%{http_code}'`]);
  expect(curl.out).toMatch(/\n200$/);
  const answer = JSON.parse(curl.stdout.slice(0, curl.stdout.lastIndexOf("\n")));
  expect(answer).toMatchObject({ status: "ok", organisation: "acme", sourceIp: "127.0.0.1" });

  // The zip bundle's README command works as written too (it names the CA chain in the zip: --cacert ca-chain.pem).
  const readmeCurl = sh("unzip", ["-p", "bundle.zip", "README.txt"])
    .stdout.split("\n")
    .map((l) => l.trim())
    .find((l) => l.startsWith("curl --cert "))!;
  expect(readmeCurl).toContain("--cacert ca-chain.pem");
  expect(sh("unzip", ["-o", "-q", "bundle.zip", "-d", "bundle"]).code).toBe(0);
  writeFileSync(file("bundle/acme-ppr.key"), readFileSync(file("browser.key")));
  const bundleCurl = spawnSync("bash", ["-c", `${readmeCurl.replace("<your private key file>", "acme-ppr.key")} --pass '${PASSPHRASE}' --silent --show-error --write-out '\n%{http_code}'`], {
    cwd: file("bundle"),
    encoding: "utf8",
  });
  expect(`${bundleCurl.stdout}${bundleCurl.stderr}`).toMatch(/\n200$/);

  await page.reload();
  const results = page.getByRole("table", { name: "Connectivity tests" });
  await expect(results.locator('[data-outcome="ok"]').first()).toBeVisible();
  await expect(results).toContainText("127.0.0.1");
  await page.goto(`/partner/certificates/${browserCertId}`);
  const timeline = page.getByRole("list", { name: "Certificate timeline" });
  await expect(timeline.locator('[data-event="issued"]')).toContainText("on approval of certificate request");
  await expect(timeline.locator('[data-event="connectivity_verified"]').last()).toHaveText(/Connectivity verified at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC from 127\.0\.0\.1/);
});

test("[partner] renews a certificate (environment and profile kept, linked to its predecessor) and revokes it; the CRL lists it", async ({ page, request }) => {
  expect(browserCertId, "needs the certificate issued earlier").not.toBe("");
  await signInAs(page, "partner@acme.test", "/partner");
  await page.goto(`/partner/certificates/${browserCertId}`);
  await page.getByRole("link", { name: "Renew" }).click();
  await expect(page).toHaveURL(new RegExp(`/partner/requests/new\\?env=PPR&profile=mtls-client&renews=${browserCertId}$`));
  await expect(page.getByLabel("Environment")).toBeDisabled();
  await page.getByLabel("Certificate signing request (CSR)").fill(opensslCsr(`renew-${run}`, `/CN=acme-renewed-${run}`));
  await page.getByRole("button", { name: "Submit renewal request" }).click();
  await expect(page).toHaveURL(/\/partner\/requests\/[0-9a-f-]{36}\?submitted=1$/);
  await page.getByRole("link", { name: "previous certificate" }).click();
  await expect(page).toHaveURL(new RegExp(`/partner/certificates/${browserCertId}$`));
  await expect(page.getByText("A renewal is pending")).toBeVisible();

  const serial = (await page.getByTestId("serial").textContent())!.replace(/:/g, "");
  const form = page.getByRole("form", { name: "Revoke certificate" });
  await form.getByLabel("Reason").selectOption("keyCompromise");
  await form.getByRole("button", { name: "Revoke certificate" }).click();
  await expect(form.getByText("Tick to confirm: revocation cannot be undone.")).toBeVisible();
  await expect(page.getByTestId("certificate-status")).toHaveText("valid");
  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: "Revoke certificate" }).click();
  await expect(page.getByText("Revoked (keyCompromise). The PPR CRL has been reissued")).toBeVisible();
  await expect(page.getByTestId("certificate-status")).toHaveText("revoked");
  await page.reload();
  await expect(page.getByTestId("revoked-downloads")).toContainText("This certificate is revoked");
  await expect(page.getByRole("form", { name: "PKCS#12 with my key" })).toHaveCount(0);

  // Downloads still work for the record, and say it is revoked: the headers, and the zip README first thing.
  const revokedZip = await request.get(`/api/v1/certificates/${browserCertId}/download?format=zip`, { headers: { authorization: `Bearer ${partnerToken}` } });
  expect(revokedZip.status()).toBe(200);
  expect(revokedZip.headers()["keyport-certificate-status"]).toBe("revoked");
  expect(revokedZip.headers()["keyport-revocation"]).toMatch(/^revoked-at=\S+Z; reason=keyCompromise$/);
  writeFileSync(file("revoked.zip"), await revokedZip.body());
  const revokedReadme = sh("unzip", ["-p", "revoked.zip", "README.txt"]).stdout;
  expect(revokedReadme.split("\n")[1]).toMatch(/REVOKED on \S+Z \(reason: keyCompromise\)/);
  expect(sh("unzip", ["-o", "-q", "revoked.zip", "-d", "revoked"]).code).toBe(0);
  const crlVerify = revokedReadme.split("\n").map((l) => l.trim()).find((l) => l.includes("-crl_check"))!;
  const verified = spawnSync("bash", ["-c", crlVerify], { cwd: file("revoked"), encoding: "utf8" });
  expect(`${verified.stdout}${verified.stderr}`).toContain("certificate revoked");

  const crl = await request.get("/crl/PPR.crl");
  writeFileSync(file("PPR.crl"), await crl.body());
  const text = sh("openssl", ["crl", "-inform", "DER", "-in", "PPR.crl", "-noout", "-text"]).out;
  expect(text.replace(/:/g, "").toUpperCase()).toContain(serial.toUpperCase());
  expect(text).toContain("Key Compromise");
});

test("[partner] organisation settings: the group email is validated and saved; the member list shows", async ({ page }) => {
  await signInAs(page, "partner@acme.test", "/partner");
  await page.getByTestId("partner-nav").getByRole("link", { name: "Settings" }).click();
  const form = page.getByRole("form", { name: "Group email" });
  const email = form.getByLabel("Certificate-management group email");
  await email.fill("not an email");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert").first()).toBeVisible();
  await email.fill(`pki-team-${run}@acme.test`);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText(`Saved. Certificate notices now go to pki-team-${run}@acme.test.`);
  await page.reload();
  await expect(page.getByLabel("Certificate-management group email")).toHaveValue(`pki-team-${run}@acme.test`);
  await expect(page.getByRole("table", { name: "Members" })).toContainText("partner@acme.test");
});
