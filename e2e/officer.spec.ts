// Security officers in Chromium: the review queue, dual control on PRD (two
// officers, "not twice"), rejection reasons reaching the partner, allowlist
// approval and the nginx export, revocation that openssl then refuses with the
// published CRL, and the audit trail with its CSV export. Partners act through
// the API with a token, as their systems would.
import { type APIRequestContext, type Browser, type Page, expect, test } from "@playwright/test";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyport, signInAs } from "./support/helpers";

test.describe.configure({ mode: "serial" });

const dir = mkdtempSync(join(tmpdir(), "keyport-officer-e2e-"));
const file = (name: string) => join(dir, name);
const run = Math.random().toString(36).slice(2, 7);
let partnerToken = "";
/** The demo organisation's second partner security officer: PRD requests wait for its confirmation. */
let secondOfficerToken = "";
let issuedCertificateId = "";

test.beforeAll(() => {
  const t = keyport(["token", "create", "--user", "partner@acme.test", "--name", `officer-e2e-${run}`]);
  expect(t.code, t.stderr).toBe(0);
  partnerToken = t.stdout.trim();
  const t2 = keyport(["token", "create", "--user", "security2@acme.test", "--name", `officer-e2e-2-${run}`]);
  expect(t2.code, t2.stderr).toBe(0);
  secondOfficerToken = t2.stdout.trim();
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const asPartner = () => ({ authorization: `Bearer ${partnerToken}` });

/** A new P-256 key and CSR made by openssl, as a partner would. */
function makeCsr(cn: string): string {
  execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file(`${cn}.key`), "-out", file(`${cn}.csr`), "-subj", `/C=NO/O=Acme Payments AS/CN=${cn}`], {
    stdio: "pipe",
  });
  return readFileSync(file(`${cn}.csr`), "utf8");
}

async function submit(request: APIRequestContext, environment: string, cn: string): Promise<string> {
  const res = await request.post("/api/v1/certificate-requests", { headers: asPartner(), data: { environment, csr: makeCsr(cn) } });
  expect(res.status(), await res.text()).toBe(201);
  const { id, status } = await res.json();
  // PRD: a second partner security officer confirms before the request reaches the officers' queue.
  if (status === "awaiting_partner_confirmation") {
    const confirmed = await request.post(`/api/v1/certificate-requests/${id}/confirm`, { headers: { authorization: `Bearer ${secondOfficerToken}` }, data: {} });
    expect(confirmed.status(), await confirmed.text()).toBe(200);
  }
  return id;
}

async function officerPage(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email, "/officer");
  return page;
}

function openssl(args: string[]) {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The PRD chain from the public endpoint, split into issuing and root files. */
async function saveChain(request: APIRequestContext, env: string) {
  const res = await request.get(`/api/v1/environments/${env}/ca?format=pem`);
  expect(res.status()).toBe(200);
  const [issuing, root] = (await res.text()).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
  writeFileSync(file(`${env}-issuing.pem`), issuing);
  writeFileSync(file(`${env}-root.pem`), root);
}

async function saveCrl(request: APIRequestContext, env: string): Promise<string> {
  const res = await request.get(`/crl/${env}.crl`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/pkix-crl");
  writeFileSync(file(`${env}.crl`), await res.body());
  const pem = `${env}-crl.pem`;
  expect(openssl(["crl", "-inform", "DER", "-in", `${env}.crl`, "-out", pem]).code).toBe(0);
  return pem;
}

test("[officer] two officers approve a PRD request in the browser; the first cannot approve twice; the partner downloads a certificate openssl verifies", async ({ browser, request }) => {
  const cn = `acme-prd-${run}`;
  const id = await submit(request, "PRD", cn);

  // Officer 1: the queue (oldest first, filtered), the pending count in the navigation, the review page.
  const o1 = await officerPage(browser, "officer1@keyport.test");
  await expect(o1.getByRole("link", { name: /Review queue/ })).toContainText(/[1-9]/);
  await o1.getByLabel("Environment").selectOption("PRD");
  await o1.getByLabel("Request type").selectOption("certificate");
  await o1.getByRole("button", { name: "Apply" }).click();
  await expect(o1).toHaveURL(/environment=PRD/);
  const row = o1.getByRole("table", { name: "Review queue" }).getByRole("row").filter({ hasText: cn });
  await expect(row).toContainText("0 of 2");
  await row.getByRole("link").click();
  await expect(o1).toHaveURL(new RegExp(`/officer/requests/${id}$`));
  await expect(o1.getByTestId("csr-subject")).toHaveText(`C=NO, O=Acme Payments AS, CN=${cn}`);
  await expect(o1.getByRole("table", { name: "Subject attributes" })).toContainText("printableString");
  await expect(o1.getByRole("list", { name: "Checks" })).toContainText("key.reuse");
  await expect(o1.locator('[data-check="csr.signature"]')).toHaveAttribute("data-result", "pass");
  await expect(o1.getByText("This public key is not used by any other pending request")).toBeVisible();

  // A second tab opened before approving (a double click, a stale page).
  const stale = await o1.context().newPage();
  await stale.goto(`/officer/requests/${id}`);

  await o1.getByLabel("Comment (optional; officers only)").fill("DN and key checked");
  await o1.getByRole("button", { name: "Approve" }).click();
  await expect(o1.getByText("Approved: 1 of 2 approvals. One more officer must approve before the certificate is issued.")).toBeVisible();
  await expect(o1.getByTestId("request-status")).toHaveText("pending");
  await expect(o1.getByTestId("approval-count")).toHaveText("Approvals: 1 of 2");
  await expect(o1.getByTestId("already-approved")).toHaveText("You have already approved this request. A different officer must give the next approval.");
  await expect(o1.getByRole("button", { name: "Approve" })).toHaveCount(0);

  await stale.getByRole("button", { name: "Approve" }).click();
  await expect(stale.getByText("You have already approved this request; a different officer must give the next approval.")).toBeVisible();

  // Officer 2 gives the second approval: the certificate is issued.
  const o2 = await officerPage(browser, "officer2@keyport.test");
  await o2.goto(`/officer/requests/${id}`);
  await expect(o2.getByRole("list", { name: "Approvals so far" })).toContainText("DN and key checked");
  await o2.getByRole("button", { name: "Approve" }).click();
  await expect(o2.getByText("Approved: 2 of 2 approvals. The certificate has been issued.")).toBeVisible();
  await expect(o2.getByTestId("request-status")).toHaveText("issued");
  await expect(o2.getByTestId("issued-certificate")).toBeVisible();

  // The partner's systems: status, download, verify with openssl against the public chain.
  const seen = await (await request.get(`/api/v1/certificate-requests/${id}`, { headers: asPartner() })).json();
  // The partner sees who approved and when; the officers' comment and emails stay with the provider.
  expect(seen).toMatchObject({ status: "issued", approvals: [{ officer: expect.any(String), at: expect.any(String) }, { officer: expect.any(String) }] });
  expect(JSON.stringify(seen)).not.toContain("DN and key checked");
  expect(JSON.stringify(seen)).not.toContain("@keyport.test");
  issuedCertificateId = seen.certificateId;
  const pem = await request.get(`/api/v1/certificates/${issuedCertificateId}/download?format=pem`, { headers: asPartner() });
  expect(pem.status()).toBe(200);
  writeFileSync(file("leaf.pem"), await pem.text());
  await saveChain(request, "PRD");
  const verified = openssl(["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "PRD-root.pem", "-untrusted", "PRD-issuing.pem", "leaf.pem"]);
  expect(verified.out).toContain("leaf.pem: OK");
  expect(openssl(["x509", "-in", "leaf.pem", "-noout", "-subject"]).out).toContain(cn);
  await o1.context().close();
  await o2.context().close();
});

test("[officer] a rejection needs a reason, and the partner sees it through the API", async ({ browser, request }) => {
  const id = await submit(request, "PPR", `acme-reject-${run}`);
  const o1 = await officerPage(browser, "officer1@keyport.test");
  await o1.goto(`/officer/requests/${id}`);
  await o1.getByRole("button", { name: "Reject" }).click();
  await expect(o1.getByText("Give a reason; the partner sees it.")).toBeVisible();
  await expect(o1.getByTestId("request-status")).toHaveText("pending");
  const reason = "CN must be the TSP's registered client name (acme-tsp-…).";
  await o1.getByLabel("Reason for rejection").fill(reason);
  await o1.getByRole("button", { name: "Reject" }).click();
  await expect(o1.getByText("Rejected. The partner sees your reason.")).toBeVisible();
  await expect(o1.getByTestId("request-status")).toHaveText("rejected");
  const seen = await (await request.get(`/api/v1/certificate-requests/${id}`, { headers: asPartner() })).json();
  expect(seen).toMatchObject({ status: "rejected", rejectionReason: reason });
  await o1.context().close();
});

test("[officer] approves an allowlist request in the browser; the nginx export lists it and ends with deny all", async ({ browser, request }) => {
  const k = 1 + Math.floor(Math.random() * 250);
  const entries = [`198.51.100.${k}`, `203.0.113.${k}/32`];
  const res = await request.post("/api/v1/ip-allowlist-requests", { headers: asPartner(), data: { environment: "PPR", entries, note: "e2e gateway" } });
  expect(res.status(), await res.text()).toBe(201);
  const { id } = await res.json();

  const o1 = await officerPage(browser, "officer1@keyport.test");
  await expect(o1.getByRole("link", { name: /IP allowlist/ })).toContainText(/[1-9]/);
  await o1.getByRole("link", { name: /IP allowlist/ }).click();
  const card = o1.getByTestId(`allowlist-request-${id}`);
  await expect(card.getByRole("list", { name: "Entries" })).toContainText(`198.51.100.${k}/32`);
  await expect(card).toContainText("refused in production"); // the documentation-range warning
  await card.getByRole("button", { name: "Approve" }).click();
  await expect(o1.getByText("Approved: 1 of 1 approvals. The entries are on the PPR allowlist.")).toBeVisible();
  await expect(o1.getByRole("table", { name: "PPR allowlist" })).toContainText(`203.0.113.${k}/32`);

  const [download] = await Promise.all([o1.waitForEvent("download"), o1.getByLabel("PPR exports").getByRole("link", { name: "nginx" }).click()]);
  expect(download.suggestedFilename()).toBe("allowlist-PPR.conf");
  const nginx = readFileSync((await download.path())!, "utf8");
  expect(nginx).toContain(`allow 198.51.100.${k}/32; # acme\n`);
  expect(nginx).toContain(`allow 203.0.113.${k}/32; # acme\n`);
  expect(nginx.trimEnd().split("\n").at(-1)).toBe("deny all;");
  const json = await o1.request.get("/officer/allowlist/export?environment=PPR&format=json");
  expect((await json.json()).entries).toEqual(expect.arrayContaining([expect.objectContaining({ cidr: `198.51.100.${k}/32`, organisation: "acme" })]));
  await o1.context().close();
});

test("[officer] revokes a certificate in the browser; openssl verify -crl_check with the published CRL refuses it", async ({ browser, request }) => {
  expect(issuedCertificateId, "needs the certificate issued by the first test").not.toBe("");
  await saveChain(request, "PRD");
  const verify = (crl: string) => openssl(["verify", "-crl_check", "-CRLfile", crl, "-CAfile", "PRD-root.pem", "-untrusted", "PRD-issuing.pem", "leaf.pem"]);
  const before = verify(await saveCrl(request, "PRD"));
  expect(before.out).toContain("leaf.pem: OK");

  const o1 = await officerPage(browser, "officer1@keyport.test");
  await o1.getByRole("link", { name: "Certificates" }).click();
  await o1.getByLabel("Serial, fingerprint or CN").fill(`acme-prd-${run}`);
  await o1.getByLabel("Status").selectOption("valid");
  await o1.getByRole("button", { name: "Search" }).click();
  const rows = o1.getByRole("table", { name: "Certificates" }).getByRole("row");
  await expect(rows).toHaveCount(2); // header + the one certificate
  await rows.nth(1).getByRole("link").click();
  await expect(o1).toHaveURL(new RegExp(`/officer/certificates/${issuedCertificateId}$`));
  await expect(o1.getByTestId("certificate-status")).toHaveText("valid");

  const form = o1.getByRole("form", { name: "Revoke certificate" });
  await form.getByLabel("Reason").selectOption("keyCompromise");
  await form.getByRole("button", { name: "Revoke certificate" }).click();
  await expect(form.getByText("Tick to confirm: revocation cannot be undone.")).toBeVisible();
  await expect(o1.getByTestId("certificate-status")).toHaveText("valid");
  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: "Revoke certificate" }).click();
  await expect(o1.getByText("Revoked (keyCompromise). The PRD CRL has been reissued.")).toBeVisible();
  await expect(o1.getByTestId("certificate-status")).toHaveText("revoked");

  const after = verify(await saveCrl(request, "PRD"));
  expect(after.code).not.toBe(0);
  expect(after.out).toContain("certificate revoked");
  expect(openssl(["crl", "-in", "PRD-crl.pem", "-noout", "-text"]).out).toContain("Key Compromise");
  await o1.context().close();
});

test("[officer] the audit trail shows the decisions with filters, its chain is OK, and the CSV export downloads", async ({ browser }) => {
  const o1 = await officerPage(browser, "officer1@keyport.test");
  await o1.getByTestId("officer-nav").getByRole("link", { name: "Audit trail" }).click();
  await expect(o1.getByTestId("chain-status")).toContainText("Chain OK");
  const filters = o1.getByRole("form", { name: "Audit filters" });
  await filters.getByLabel("Organisation").selectOption("acme");
  await filters.getByRole("button", { name: "Apply" }).click();
  const table = o1.getByRole("table", { name: "Audit events" });
  for (const action of ["certificate_request.submit", "certificate_request.approve", "certificate.issue", "certificate_request.reject", "allowlist.add", "certificate.revoke", "certificate.download"]) {
    await expect(table).toContainText(action);
  }
  await filters.getByLabel("Action").selectOption("certificate.revoke");
  await filters.getByLabel("Actor").fill("officer1@");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(o1).toHaveURL(/action=certificate.revoke/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText("keyCompromise");

  const [download] = await Promise.all([o1.waitForEvent("download"), o1.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^keyport-audit-\d{8}T\d{6}\.csv$/);
  const lines = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
  expect(lines[0]).toBe("seq,time_utc,actor,organisation,action,target_type,target_id,source_ip,details,prev_hash,hash");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(",officer1@keyport.test,acme,certificate.revoke,certificate,");

  // The export is itself in the trail.
  await o1.goto("/officer/audit?action=audit.export");
  await expect(table).toContainText("audit.export");
  await o1.context().close();
});

test("[officer] downloads a checkpoint of the head and the public key: openssl checks the signature, `audit verify --checkpoint` the trail", async ({ browser }) => {
  const o1 = await officerPage(browser, "officer1@keyport.test");
  await o1.goto("/officer/audit");
  const downloads = o1.getByLabel("Checkpoint downloads");
  const [cpDownload] = await Promise.all([o1.waitForEvent("download"), downloads.getByRole("link", { name: "Download a checkpoint of the current head" }).click()]);
  expect(cpDownload.suggestedFilename()).toMatch(/^keyport-audit-checkpoint-\d+-\d{8}T\d{6}\.json$/);
  const cpFile = file("checkpoint.json");
  await cpDownload.saveAs(cpFile);
  const cp = JSON.parse(readFileSync(cpFile, "utf8"));
  expect(cp).toMatchObject({ format: "keyport-audit-checkpoint/1", signatureAlgorithm: "Ed25519" });
  const [keyDownload] = await Promise.all([o1.waitForEvent("download"), downloads.getByRole("link", { name: "Download the checkpoint public key (PEM)" }).click()]);
  expect(keyDownload.suggestedFilename()).toBe("keyport-audit-checkpoint-key.pem");
  await keyDownload.saveAs(file("checkpoint-key.pem"));

  // Anyone with the public key checks the signature with openssl alone.
  writeFileSync(file("checkpoint.txt"), cp.signedText);
  writeFileSync(file("checkpoint.sig"), Buffer.from(cp.signature, "base64"));
  const checked = openssl(["pkeyutl", "-verify", "-pubin", "-inkey", "checkpoint-key.pem", "-rawin", "-in", "checkpoint.txt", "-sigfile", "checkpoint.sig"]);
  expect(checked.out).toContain("Signature Verified Successfully");
  expect(checked.code).toBe(0);
  // The trail verifies through it; the checkpoint is itself in the trail and listed on the page.
  const verified = keyport(["audit", "verify", "--checkpoint", cpFile]);
  expect(verified.code, verified.stderr).toBe(0);
  expect(verified.stdout).toContain(`event #${cp.seq} has its hash`);
  await o1.reload();
  await expect(o1.getByRole("table", { name: "Checkpoints" })).toContainText(cp.seq);
  await o1.goto("/officer/audit?action=audit.checkpoint");
  await expect(o1.getByRole("table", { name: "Audit events" })).toContainText("audit.checkpoint");
  await o1.context().close();
});

test("[partner] cannot use the officer pages or their downloads", async ({ page }) => {
  await signInAs(page, "partner@acme.test", "/partner");
  expect((await page.goto("/officer/certificates"))?.status()).toBe(403);
  for (const path of [
    "/officer/audit/export?format=csv",
    "/officer/allowlist/export?environment=PPR&format=nginx",
    "/officer/audit/checkpoint",
    "/officer/audit/checkpoint-key",
    "/officer/audit/checkpoint/00000000-0000-4000-8000-000000000000",
  ]) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  }
});
