// Notifications end to end on a real PostgreSQL (a database of this file's own), a real SMTP server
// (smtp-server, in-process on loopback) and a real HTTP webhook receiver: what arrives, to whom,
// once; reminders with the clock moved; faults (SMTP refuses, hangs, recovers; webhook 500 × 3 then
// 200; dead letters); two job-engine instances against one database deliver each message once.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ACTOR, JOBS_ACTOR } from "@/lib/auth/actor";
import { disconnectDb, getDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrations";
import { AppError } from "@/lib/errors";
import { jobByName } from "@/lib/jobs/definitions";
import { startJobEngine, type JobEngine } from "@/lib/jobs/engine";
import { makeTestChain } from "@/lib/pki/chain/fixtures.test-helper";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { makeWorld, opensslCsr, uniq } from "@/lib/testing/world";
import { approveAllowlistRequest, rejectAllowlistRequest, submitAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { listMyNotifications, markNotificationsRead, countMyUnread } from "@/lib/services/notifications/my-notifications";
import { getNotificationSettings, setNotificationPreferences, setWebhook } from "@/lib/services/notifications/org-notification-settings";
import { listOutbox } from "@/lib/services/notifications/outbox";
import { listReminderPolicies, setReminderDays } from "@/lib/services/notifications/reminder-policy";
import { createProviderClientCa } from "@/lib/services/provider/init-provider-client-ca";
import { approveProviderCertificateRequest, issueProviderCertificate } from "@/lib/services/provider/issue-provider-certificate";
import { setProviderServerChain } from "@/lib/services/provider/set-provider-server-chain";
import { approveCertificateRequest, rejectCertificateRequest } from "@/lib/services/requests/decide-request";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { endorseServerChain, rejectServerChain } from "@/lib/services/server-chains/decide-server-chain";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { deliverNotification, dispatchDeliveries } from "./deliver";
import { sendExpiryReminders } from "./reminders";
import { notifyCrlRenewalFailed } from "./system-events";
import { type ReceivedMail, startSmtpSink } from "./smtp-sink.test-helper";

const DAY = 86_400_000;
let db: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
const saved = { url: process.env.DATABASE_URL, smtp: process.env.KEYPORT_SMTP_URL, priv: process.env.KEYPORT_WEBHOOK_ALLOW_PRIVATE, pub: process.env.KEYPORT_PUBLIC_URL };
const PUBLIC = "https://keyport.test.example";
const engines: JobEngine[] = [];

beforeAll(async () => {
  // A database of this file's own: officers and admins of other files would otherwise be mailed too.
  await disconnectDb();
  db = await createTestDatabase("keyport_notify");
  await applyMigrations(db.url);
  process.env.DATABASE_URL = db.url;
  process.env.KEYPORT_PUBLIC_URL = PUBLIC;
  process.env.KEYPORT_WEBHOOK_ALLOW_PRIVATE = "1";
  smtp = await startSmtpSink();
  process.env.KEYPORT_SMTP_URL = smtp.url;
}, 120_000);

afterAll(async () => {
  await Promise.all(engines.map((e) => e.stop(2_000).catch(() => {})));
  await smtp?.close();
  await disconnectDb();
  await db?.drop();
  for (const [k, v] of [["DATABASE_URL", saved.url], ["KEYPORT_SMTP_URL", saved.smtp], ["KEYPORT_WEBHOOK_ALLOW_PRIVATE", saved.priv], ["KEYPORT_PUBLIC_URL", saved.pub]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Send every pending delivery once, as the notification-delivery job does (first attempt of five). */
async function drain() {
  const pending = await getDb().delivery.findMany({ where: { status: "pending" }, select: { id: true } });
  for (const d of pending) await deliverNotification({ data: { deliveryId: d.id }, retryCount: 0, retryLimit: 5 }).catch(() => {});
}

/** The mails that arrived for one event type (matched by Message-ID = <delivery id@keyport>). */
async function mailsOf(type: string, where: { subjectId?: string; orgId?: string } = {}): Promise<ReceivedMail[]> {
  const rows = await getDb().delivery.findMany({ where: { channel: "email", event: { type, ...(where.subjectId ? { subjectId: where.subjectId } : {}), ...(where.orgId ? { orgId: where.orgId } : {}) } }, select: { id: true } });
  const ids = new Set(rows.map((r) => `<${r.id}@keyport>`));
  return smtp.received.filter((m) => ids.has(m.messageId));
}

const recipientsOf = (mails: ReceivedMail[]) => mails.flatMap((m) => m.to).sort();
const lower = (...s: string[]) => s.map((x) => x.toLowerCase()).sort();

/** Nothing secret in a message: no key, no token, no webhook secret, no master key. */
function expectNoSecrets(m: { text: string; html?: string; subject?: string }, secrets: string[] = []) {
  const all = `${m.subject ?? ""}\n${m.text}\n${m.html ?? ""}`;
  expect(all).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE REQUEST|kp_[A-Za-z0-9]{8}|whsec_/);
  expect(all).not.toContain(process.env.KEYPORT_MASTER_KEY!);
  for (const s of secrets) expect(all).not.toContain(s);
}

async function issue(world: Awaited<ReturnType<typeof makeWorld>>, opts: { renews?: string; approvals?: number } = {}) {
  const { id } = await submitCertificateRequest(world.partnerA.actor, { environment: world.env.code, csr: opensslCsr(`/CN=${world.orgA.code}-${uniq()}`).csr, ...(opts.renews ? { renews: opts.renews } : {}) });
  let r = await approveCertificateRequest(world.officer1.actor, id);
  if ((opts.approvals ?? 1) > 1) r = await approveCertificateRequest(world.officer2.actor, id);
  return { requestId: id, certificateId: r.certificateId! };
}

function deliveryEngine(name: string, overrides: { retryLimit?: number; retryDelay?: number } = {}) {
  const def = jobByName("notification-delivery")!;
  return startJobEngine({
    connectionString: process.env.DATABASE_URL!,
    jobs: [{ ...def, retryLimit: overrides.retryLimit ?? 4, retryDelay: overrides.retryDelay ?? 1 }],
    schedule: false,
    pollingIntervalSeconds: 0.5,
  }).then((e) => {
    engines.push(e);
    return Object.assign(e, { name });
  });
}

async function stopEngines() {
  await Promise.all(engines.splice(0).map((e) => e.stop(2_000)));
}

describe("mail for each event", () => {
  it("reaches the right recipients with environment and organisation in the subject, serial, SHA-256 fingerprint and link in the body, and no secret", async () => {
    const w = await makeWorld({ approvalsRequired: 2 });
    const officers = await staffEmails("officer", []);
    const group = w.orgA.groupEmail.toLowerCase();
    const submitter = w.partnerA.email.toLowerCase();
    const where = `[Keyport ${w.env.code} · ${w.orgA.code}]`;

    // Request submitted → officers; one approval of two → officers; second approval → issued to the group mailbox and the submitter.
    const { id: requestId } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-mail`).csr });
    await approveCertificateRequest(w.officer1.actor, requestId);
    const { certificateId } = await approveCertificateRequest(w.officer2.actor, requestId);
    // Rejected (with the reason) and revoked (by whom, why).
    const { id: rejectedId } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-nope`).csr });
    await rejectCertificateRequest(w.officer1.actor, rejectedId, { reason: "The CN names no host of yours" });
    await revokeCertificate(w.officer1.actor, certificateId!, { reason: "keyCompromise" });
    // Allowlist: submitted → officers; approved and rejected → organisation.
    const al1 = await submitAllowlistRequest(w.partnerA.actor, { environment: w.env.code, entries: ["198.51.100.10"] });
    await approveAllowlistRequest(w.officer1.actor, al1.id);
    await approveAllowlistRequest(w.officer2.actor, al1.id);
    const al2 = await submitAllowlistRequest(w.partnerA.actor, { environment: w.env.code, entries: ["198.51.100.11"] });
    await rejectAllowlistRequest(w.officer1.actor, al2.id, { reason: "Not your range" });
    // Exchange: server chain submitted → officers; one endorsement of two → officers; endorsed → organisation; rejected → organisation.
    const chain1 = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: (await makeTestChain({ name: "Mail One" })).chainPem });
    await endorseServerChain(w.officer1.actor, chain1.id);
    await endorseServerChain(w.officer2.actor, chain1.id);
    const chain2 = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: (await makeTestChain({ name: "Mail Two" })).chainPem });
    await rejectServerChain(w.officer1.actor, chain2.id, { reason: "Wrong root" });
    // Provider side: client CA created and server chain changed → every partner organisation (waiting on them); provider client certificate → officers and admins.
    await createProviderClientCa(CLI_ACTOR, { envCode: w.env.code });
    const provider = await makeTestChain({ name: "Mail Provider", hosts: ["api.provider.test"] });
    await setProviderServerChain(CLI_ACTOR, { environment: w.env.code, chain: provider.chainPem, server: provider.serverPem });
    // The environment needs two officers: the admin asks (the first), an officer approves (the second).
    let issuance = await issueProviderCertificate(w.admin.actor, { environment: w.env.code, csr: opensslCsr("/CN=gateway.provider.test").csr });
    if (issuance.status === "pending") issuance = await approveProviderCertificateRequest(w.officer1.actor, issuance.requestId, {});
    if (issuance.status !== "issued") throw new Error(`the provider certificate is still ${issuance.status}`);
    const providerCert = issuance;
    // CRL renewal failed → admins.
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { envId: w.env.id, kind: "issuing" } });
    await notifyCrlRenewalFailed(ca.id, new Error("disk full"));
    await drain();

    const cert = await getDb().certificate.findUniqueOrThrow({ where: { id: certificateId! } });

    const submitted = await mailsOf("certificate_request.submitted", { subjectId: requestId });
    expect(recipientsOf(submitted)).toEqual(officers);
    expect(submitted[0].subject).toBe(`${where} Certificate request from ${w.orgA.code} waits for review`);
    expect(submitted[0].text).toContain(`${PUBLIC}/officer/requests/${requestId}`);

    const recorded = await mailsOf("certificate_request.approval_recorded", { subjectId: requestId });
    expect(recipientsOf(recorded)).toEqual(officers);
    expect(recorded[0].subject).toContain("1 of 2 approvals");
    expect(recorded[0].text).toContain(`Approved by: ${w.officer1.email}`);

    const issued = await mailsOf("certificate.issued", { subjectId: certificateId! });
    expect(recipientsOf(issued)).toEqual(lower(group, submitter));
    for (const m of issued) {
      expect(m.subject).toBe(`${where} Certificate issued`);
      expect(m.text).toContain(`Serial: ${cert.serialHex}`);
      expect(m.text).toContain(`SHA-256 fingerprint: ${cert.sha256Fingerprint}`);
      expect(m.text).toContain(`Open in Keyport: ${PUBLIC}/partner/certificates/${cert.id}`);
      expect(m.html).toContain(cert.sha256Fingerprint);
      expect(m.html).toContain(`href="${PUBLIC}/partner/certificates/${cert.id}"`);
      expect(m.from).toBe("keyport@localhost");
      expectNoSecrets(m, [w.partnerA.token, w.officer1.token]);
    }

    const rejected = await mailsOf("certificate_request.rejected", { subjectId: rejectedId });
    expect(recipientsOf(rejected)).toEqual(lower(group, submitter));
    expect(rejected[0].text).toContain("Reason: The CN names no host of yours");

    const revoked = await mailsOf("certificate.revoked", { subjectId: certificateId! });
    expect(recipientsOf(revoked)).toEqual(lower(group, submitter, ...officers));
    expect(revoked[0].text).toContain("Reason: keyCompromise");
    expect(revoked[0].text).toContain(`Revoked by: ${w.officer1.email}`);
    expect(revoked[0].text).toContain(`Serial: ${cert.serialHex}`);

    expect(recipientsOf(await mailsOf("allowlist_request.submitted", { subjectId: al1.id }))).toEqual(officers);
    expect(recipientsOf(await mailsOf("allowlist_request.approved", { subjectId: al1.id }))).toEqual(lower(group, submitter));
    const alRejected = await mailsOf("allowlist_request.rejected", { subjectId: al2.id });
    expect(recipientsOf(alRejected)).toEqual(lower(group, submitter));
    expect(alRejected[0].text).toContain("Reason: Not your range");
    expect(alRejected[0].text).toContain("198.51.100.11/32");

    expect(recipientsOf(await mailsOf("server_chain.submitted", { subjectId: chain1.id }))).toEqual(officers);
    expect((await mailsOf("server_chain.approval_recorded", { subjectId: chain1.id }))[0].subject).toContain("1 of 2 endorsements");
    const endorsed = await mailsOf("server_chain.endorsed", { subjectId: chain1.id });
    expect(recipientsOf(endorsed)).toEqual(lower(group, submitter));
    expect(endorsed[0].text).toMatch(/Root SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(endorsed[0].text).toContain(`${PUBLIC}/partner/exchange?env=${w.env.code}`);
    expect((await mailsOf("server_chain.rejected", { subjectId: chain2.id }))[0].text).toContain("Reason: Wrong root");

    // Every active organisation hears of the provider's new items (group mailbox only by default).
    for (const type of ["provider_client_ca.created", "provider_server_chain.changed"]) {
      expect(recipientsOf(await mailsOf(type, { orgId: w.orgA.id }))).toEqual([group]);
      expect(recipientsOf(await mailsOf(type, { orgId: w.orgB.id }))).toEqual([w.orgB.groupEmail.toLowerCase()]);
    }
    expect((await mailsOf("provider_server_chain.changed", { orgId: w.orgA.id }))[0].subject).toBe(`${where} The provider's server chain of ${w.env.code} changed: trust it on your side`);
    const providerMails = await mailsOf("provider_certificate.issued", { subjectId: providerCert.id });
    expect(recipientsOf(providerMails)).toEqual(lower(...officers, ...(await staffEmails("admin", []))));
    expect(providerMails[0].text).toContain(`Serial: ${providerCert.serial}`);

    const crl = await mailsOf("crl.renewal_failed", { subjectId: ca.id });
    expect(recipientsOf(crl)).toEqual(await staffEmails("admin", []));
    expect(crl[0].text).toContain("Error: disk full");

    // Each delivery arrived exactly once.
    const ids = smtp.received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of smtp.received) expectNoSecrets(m);
  });
});

describe("preferences", () => {
  it("route events to the group mailbox and the submitter as the organisation chose; security notices cannot be switched off", async () => {
    const w = await makeWorld();
    const group = w.orgA.groupEmail.toLowerCase();
    const submitter = w.partnerA.email.toLowerCase();
    const settings = await setNotificationPreferences(w.partnerA.actor, {
      preferences: [
        { type: "certificate_request.rejected", toGroup: false, toSubmitter: true },
        { type: "certificate.revoked", toGroup: false, toSubmitter: false },
        { type: "certificate.issued", toGroup: false, toSubmitter: false },
      ],
    });
    const pref = (t: string) => settings.preferences.find((p) => p.type === t)!;
    expect(pref("certificate_request.rejected")).toMatchObject({ toGroup: false, toSubmitter: true, security: false });
    // The service keeps security notices on for the mailbox whatever was asked.
    expect(pref("certificate.revoked")).toMatchObject({ toGroup: true, toSubmitter: false, security: true });
    expect(pref("certificate.issued")).toMatchObject({ toGroup: true, security: true });
    expect(pref("delivery.failed")).toMatchObject({ toGroup: true, security: true });
    const stored = await getDb().notificationPreference.findUniqueOrThrow({ where: { orgId_eventType: { orgId: w.orgA.id, eventType: "certificate.revoked" } } });
    expect(stored.toGroup).toBe(true);
    // Even a row written around the service does not silence a security notice (emitEvent enforces it too).
    await getDb().notificationPreference.update({ where: { orgId_eventType: { orgId: w.orgA.id, eventType: "certificate.revoked" } }, data: { toGroup: false } });

    const { certificateId } = await issue(w);
    const { id: rejectedId } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-pref`).csr });
    await rejectCertificateRequest(w.officer1.actor, rejectedId, { reason: "no" });
    await revokeCertificate(w.partnerA.actor, certificateId, { reason: "superseded" });
    await drain();
    expect(recipientsOf(await mailsOf("certificate_request.rejected", { subjectId: rejectedId }))).toEqual([submitter]);
    expect(recipientsOf(await mailsOf("certificate.issued", { subjectId: certificateId }))).toEqual([group]);
    expect(recipientsOf(await mailsOf("certificate.revoked", { subjectId: certificateId }))).toEqual(lower(group, ...(await staffEmails("officer", []))));

    // Bad input: an event the organisation is not told of is refused, nothing changes; staff cannot set an organisation's preferences.
    await expect(setNotificationPreferences(w.partnerA.actor, { preferences: [{ type: "certificate_request.submitted", toGroup: false }] })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(setNotificationPreferences(w.officer1.actor, { preferences: [] })).rejects.toBeInstanceOf(AppError);
    expect(pref("certificate_request.rejected").toGroup).toBe(false);
  });
});

/** Officers (or admins) of the whole database other than those named (earlier tests' worlds). */
async function staffEmails(role: "officer" | "admin", except: string[]) {
  const rows = await getDb().user.findMany({ where: { role, disabled: false }, select: { email: true } });
  return rows.map((r) => r.email.toLowerCase()).filter((e) => !except.map((x) => x.toLowerCase()).includes(e)).sort();
}

describe("expiry reminders", () => {
  it("go out at 60, 30, 7 and 1 days before notAfter (clock moved), once per threshold, link to Renew with the predecessor preselected, and stop when renewed or revoked", async () => {
    const w = await makeWorld();
    const { certificateId } = await issue(w);
    const renewed = await issue(w);
    const revoked = await issue(w);
    const cert = await getDb().certificate.findUniqueOrThrow({ where: { id: certificateId } });
    // All three share (within seconds) one notAfter; the clock is moved relative to this one's.
    await getDb().certificate.updateMany({ where: { id: { in: [renewed.certificateId, revoked.certificateId] } }, data: { notAfter: cert.notAfter } });
    await issue(w, { renews: renewed.certificateId });
    await revokeCertificate(w.partnerA.actor, revoked.certificateId, { reason: "cessationOfOperation" });
    const at = (daysBefore: number) => new Date(cert.notAfter.getTime() - daysBefore * DAY);
    const reminders = async () => getDb().notificationEvent.findMany({ where: { type: "certificate.expiring", subjectId: { in: [certificateId, renewed.certificateId, revoked.certificateId] } }, orderBy: { createdAt: "asc" } });

    // Before the first threshold: nothing.
    await sendExpiryReminders(JOBS_ACTOR, at(61));
    expect(await reminders()).toHaveLength(0);
    for (const [n, daysBefore] of [[1, 59.5], [2, 29.5], [3, 6.5], [4, 0.5]] as const) {
      await sendExpiryReminders(JOBS_ACTOR, at(daysBefore));
      // The job runs every hour: a second run in the same window sends nothing new.
      await sendExpiryReminders(JOBS_ACTOR, at(daysBefore - 0.01));
      const events = await reminders();
      expect(events.map((e) => e.subjectId)).toEqual(Array(n).fill(certificateId));
    }
    expect((await reminders()).map((e) => e.dedupeKey)).toEqual([60, 30, 7, 1].map((d) => `certificate.expiring:${certificateId}:${d}`));
    await drain();
    const mails = await mailsOf("certificate.expiring", { subjectId: certificateId });
    // Four thresholds × (group mailbox + submitter), each once.
    expect(mails).toHaveLength(8);
    expect(recipientsOf(mails)).toEqual(lower(...Array(4).fill(w.orgA.groupEmail), ...Array(4).fill(w.partnerA.email)));
    const renewLink = `${PUBLIC}/partner/requests/new?env=${w.env.code}&profile=${cert.profileCode}&renews=${cert.id}`;
    for (const m of mails) {
      expect(m.subject).toMatch(new RegExp(`^\\[Keyport ${w.env.code} · ${w.orgA.code}\\] Certificate expires in \\d+ day\\(s\\): renew it$`));
      expect(m.text).toContain(`Open in Keyport: ${renewLink}`);
      expect(m.text).toContain(`SHA-256 fingerprint: ${cert.sha256Fingerprint}`);
    }
    expect(mails.map((m) => /expires in (\d+) day/.exec(m.subject)![1]).sort((a, b) => +b - +a)).toEqual(["60", "60", "30", "30", "7", "7", "1", "1"]);
    // Past notAfter: one "expired" notice, never again.
    await sendExpiryReminders(JOBS_ACTOR, at(-1));
    await sendExpiryReminders(JOBS_ACTOR, at(-2));
    expect(await getDb().notificationEvent.count({ where: { type: "certificate.expired", subjectId: certificateId } })).toBe(1);
    expect(await getDb().notificationEvent.count({ where: { type: { in: ["certificate.expiring", "certificate.expired"] }, subjectId: { in: [renewed.certificateId, revoked.certificateId] } } })).toBe(0);
    // Audit rows for each reminder sent.
    expect(await getDb().auditEvent.count({ where: { action: "notification.expiry_reminder", targetId: certificateId } })).toBe(4);
  });

  it("follow the environment's own thresholds, which admins edit (and only admins)", async () => {
    const w = await makeWorld();
    await expect(setReminderDays(w.officer1.actor, { environment: w.env.code, days: "45, 10" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(setReminderDays(w.admin.actor, { environment: w.env.code, days: "45, zero" })).rejects.toMatchObject({ code: "validation_failed" });
    expect(await setReminderDays(w.admin.actor, { environment: w.env.code, days: "10 45 10" })).toEqual({ environment: w.env.code, days: [45, 10] });
    expect((await listReminderPolicies(w.admin.actor)).find((p) => p.environment === w.env.code)).toMatchObject({ days: [45, 10], custom: true });
    const { certificateId } = await issue(w);
    const cert = await getDb().certificate.findUniqueOrThrow({ where: { id: certificateId } });
    const at = (d: number) => new Date(cert.notAfter.getTime() - d * DAY);
    for (const d of [59.5, 44.5, 29.5, 9.5, 0.5]) await sendExpiryReminders(JOBS_ACTOR, at(d));
    const keys = (await getDb().notificationEvent.findMany({ where: { type: "certificate.expiring", subjectId: certificateId }, orderBy: { createdAt: "asc" } })).map((e) => e.dedupeKey);
    expect(keys).toEqual([`certificate.expiring:${certificateId}:45`, `certificate.expiring:${certificateId}:10`]);
  });

  it("warn admins of a CA nearing its notAfter", async () => {
    const w = await makeWorld();
    const ca = await getDb().certificateAuthority.findFirstOrThrow({ where: { envId: w.env.id, kind: "issuing" } });
    await sendExpiryReminders(JOBS_ACTOR, new Date(ca.notAfter.getTime() - 20 * DAY));
    await sendExpiryReminders(JOBS_ACTOR, new Date(ca.notAfter.getTime() - 19 * DAY));
    const events = await getDb().notificationEvent.findMany({ where: { type: "ca.expiring", subjectId: ca.id } });
    expect(events.map((e) => e.dedupeKey)).toEqual([`ca.expiring:${ca.id}:30`]);
    await drain();
    const mails = await mailsOf("ca.expiring", { subjectId: ca.id });
    expect(recipientsOf(mails)).toEqual(lower(...(await staffEmails("admin", []))));
    expect(mails[0].subject).toContain(`CA of ${w.env.code} expires in 20 day(s)`);
  });
});

describe("notification centre", () => {
  it("lists each user's own notifications with an unread count; mark read touches only one's own; officers see what waits for them", async () => {
    const w = await makeWorld();
    const { certificateId } = await issue(w);
    const mine = await listMyNotifications(w.partnerA.actor);
    const issuedLine = mine.items.find((n) => n.type === "certificate.issued")!;
    expect(issuedLine).toMatchObject({ title: "Certificate issued", link: `/partner/certificates/${certificateId}`, readAt: null });
    expect(mine.unread).toBe(await countMyUnread(w.partnerA.actor));
    expect(mine.unread).toBeGreaterThan(0);
    // Partner B of another organisation hears nothing of A's certificate.
    expect((await listMyNotifications(w.partnerB.actor)).items.some((n) => n.link?.includes(certificateId))).toBe(false);
    // Officers: the request waited for them.
    const officer = await listMyNotifications(w.officer1.actor, { unread: true });
    expect(officer.items.some((n) => n.type === "certificate_request.submitted" && n.title.includes(w.orgA.code))).toBe(true);
    // Another user's ids change nothing; one's own are marked; bad ids are refused.
    expect(await markNotificationsRead(w.partnerB.actor, { ids: [issuedLine.id] })).toEqual({ marked: 0 });
    expect(await markNotificationsRead(w.partnerA.actor, { ids: [issuedLine.id] })).toEqual({ marked: 1 });
    await expect(markNotificationsRead(w.partnerA.actor, { ids: ["not-a-uuid"] })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(markNotificationsRead(w.partnerA.actor, {})).rejects.toMatchObject({ code: "validation_failed" });
    await markNotificationsRead(w.partnerA.actor, { all: true });
    expect(await countMyUnread(w.partnerA.actor)).toBe(0);
    await expect(listMyNotifications(CLI_ACTOR)).rejects.toBeInstanceOf(AppError);
  });
});

describe("the demo's outbox (no SMTP configured)", () => {
  it("holds every message for admins to read at /admin/mail; partners cannot read it", async () => {
    const w = await makeWorld();
    delete process.env.KEYPORT_SMTP_URL;
    try {
      const { certificateId } = await issue(w);
      await drain();
      const outbox = await listOutbox(w.admin.actor, { status: "held" });
      expect(outbox.smtp).toBe(false);
      const held = outbox.deliveries.filter((d) => d.event === "certificate.issued" && d.text.includes(certificateId));
      expect(held.map((d) => d.recipients[0]).sort()).toEqual(lower(w.orgA.groupEmail, w.partnerA.email));
      expect(held[0].subject).toBe(`[Keyport ${w.env.code} · ${w.orgA.code}] Certificate issued`);
      await expect(listOutbox(w.partnerA.actor)).rejects.toMatchObject({ code: "forbidden" });
      await expect(listOutbox(w.officer1.actor)).rejects.toMatchObject({ code: "forbidden" });
      await expect(listOutbox(w.admin.actor, { status: "lost" as never })).rejects.toMatchObject({ code: "validation_failed" });
      expect(smtp.received.some((m) => m.text.includes(certificateId))).toBe(false);
    } finally {
      process.env.KEYPORT_SMTP_URL = smtp.url;
    }
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Through the job engine (pg-boss on the same PostgreSQL): retries, faults, two instances.
// ─────────────────────────────────────────────────────────────────────────────────────────────

/** A webhook receiver that answers from a script of statuses (then 200), keeping what it got. */
async function startReceiver(script: number[]) {
  const got: { headers: IncomingMessage["headers"]; body: string; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = script.shift() ?? 200;
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "thanks" : "receiver broken");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/keyport-hook`, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The partner's verification, written here from the documented format (not the library's verifier). */
function partnerVerifies(secret: string, rawBody: string, header: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!m) return false;
  if (Math.abs(nowSeconds - Number(m[1])) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${m[1]}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2], "hex"));
}

describe("through the job engine", () => {
  it("two instances against one PostgreSQL deliver every message exactly once, also when dispatched repeatedly", async () => {
    const w = await makeWorld();
    for (let i = 0; i < 8; i++) await submitAllowlistRequest(w.partnerA.actor, { environment: w.env.code, entries: [`192.0.2.${i + 1}`] });
    const ours = await getDb().delivery.findMany({ where: { status: "pending", channel: "email" }, select: { id: true } });
    expect(ours.length).toBeGreaterThanOrEqual(16);
    const [a, b] = await Promise.all([deliveryEngine("a"), deliveryEngine("b")]);
    // Both instances' dispatchers run at once and again: one job per delivery (job id = delivery id).
    await Promise.all([dispatchDeliveries(a.boss), dispatchDeliveries(b.boss), dispatchDeliveries(a.boss)]);
    await getDb().delivery.updateMany({ where: { id: { in: ours.map((o) => o.id) } }, data: { queuedAt: null } });
    await Promise.all([dispatchDeliveries(b.boss), dispatchDeliveries(a.boss)]);
    await waitFor("every delivery sent", async () => (await getDb().delivery.count({ where: { id: { in: ours.map((o) => o.id) }, status: "sent" } })) === ours.length);
    await new Promise((r) => setTimeout(r, 1_500));
    for (const { id } of ours) {
      expect(smtp.received.filter((m) => m.messageId === `<${id}@keyport>`), `delivery ${id}`).toHaveLength(1);
      expect(await getDb().deliveryAttempt.count({ where: { deliveryId: id } })).toBe(1);
    }
    // A retry after success (a duplicate job, a re-run) sends nothing.
    expect(await a.boss.send("notification-delivery", { deliveryId: ours[0].id }, { id: ours[0].id })).toBeNull();
    expect(await deliverNotification({ data: { deliveryId: ours[0].id }, retryCount: 1, retryLimit: 5 })).toEqual({ skipped: "sent" });
    expect(smtp.received.filter((m) => m.messageId === `<${ours[0].id}@keyport>`)).toHaveLength(1);
    // Which instance ran which job is pg-boss's business; both are live workers on one queue.
    await stopEngines();
  }, 90_000);

  it("SMTP refuses, then times out, then recovers: the message arrives once and every attempt is recorded", async () => {
    const w = await makeWorld();
    await drain();
    smtp.queue("refuse", "hang");
    await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-fault`).csr });
    const d = await getDb().delivery.findFirstOrThrow({ where: { status: "pending", recipients: { has: w.officer1.email } } });
    // One delivery at a time through the faults: hold back the others of this event.
    await getDb().delivery.updateMany({ where: { status: "pending", id: { not: d.id } }, data: { status: "held" } });
    const e = await deliveryEngine("faults");
    await dispatchDeliveries(e.boss);
    const sent = await waitFor("the delivery after two failures", async () => {
      const row = await getDb().delivery.findUniqueOrThrow({ where: { id: d.id }, include: { attemptLog: { orderBy: { at: "asc" } } } });
      return row.status === "sent" ? row : null;
    }, 60_000);
    expect(sent.attempts).toBe(3);
    expect(sent.attemptLog.map((a) => a.ok)).toEqual([false, false, true]);
    expect(sent.attemptLog[0].answer).toMatch(/421|not available/i);
    expect(sent.attemptLog[1].answer).toMatch(/timeout|timed out/i);
    expect(sent.attemptLog[2].answer).toMatch(/^250/);
    expect(smtp.received.filter((m) => m.messageId === `<${d.id}@keyport>`)).toHaveLength(1);
    await stopEngines();
  }, 90_000);

  it("a webhook answering 500 three times, then 200, is delivered once with the attempts recorded and shown to the partner; the signature verifies independently", async () => {
    const w = await makeWorld();
    const receiver = await startReceiver([500, 500, 500]);
    try {
      await expect(setWebhook(w.partnerA.actor, { url: "ftp://hooks.example.com" })).rejects.toMatchObject({ code: "validation_failed" });
      const { secret } = await setWebhook(w.partnerA.actor, { url: receiver.url });
      expect(secret).toMatch(/^whsec_/);
      const stored = await getDb().webhookEndpoint.findUniqueOrThrow({ where: { orgId: w.orgA.id } });
      expect(Buffer.from(stored.sealedSecret).includes(Buffer.from(secret.slice(6)))).toBe(false);
      expect(JSON.stringify(await getNotificationSettings(w.partnerA.actor))).not.toContain(secret);
      await drain();
      await getDb().delivery.updateMany({ where: { status: "pending" }, data: { status: "held" } });
      const { certificateId } = await issue(w);
      const hook = await getDb().delivery.findFirstOrThrow({ where: { channel: "webhook", orgId: w.orgA.id, event: { type: "certificate.issued" } } });
      await getDb().delivery.updateMany({ where: { status: "pending", id: { not: hook.id } }, data: { status: "held" } });
      const e = await deliveryEngine("webhooks");
      await dispatchDeliveries(e.boss);
      const done = await waitFor("the webhook delivered", async () => {
        const row = await getDb().delivery.findUniqueOrThrow({ where: { id: hook.id }, include: { attemptLog: { orderBy: { at: "asc" } } } });
        return row.status === "sent" ? row : null;
      }, 60_000);
      expect(done.attemptLog.map((a) => a.ok)).toEqual([false, false, false, true]);
      expect(done.attemptLog.map((a) => a.answer.slice(0, 8))).toEqual(["HTTP 500", "HTTP 500", "HTTP 500", "HTTP 200"]);
      expect(receiver.got.map((g) => g.status)).toEqual([500, 500, 500, 200]);
      expect(receiver.got.filter((g) => g.status === 200)).toHaveLength(1);

      // What the partner's receiver got: JSON, signed, the event id, no secret.
      const last = receiver.got.at(-1)!;
      expect(last.headers["content-type"]).toBe("application/json");
      expect(last.headers["keyport-event-id"]).toBe(hook.eventId);
      expect(partnerVerifies(secret, last.body, last.headers["keyport-signature"] as string)).toBe(true);
      expect(partnerVerifies(secret, last.body.replace("Certificate issued", "Certificate isSued"), last.headers["keyport-signature"] as string)).toBe(false);
      expect(partnerVerifies("whsec_wrong", last.body, last.headers["keyport-signature"] as string)).toBe(false);
      // Replay window: the same request presented ten minutes later is refused.
      expect(partnerVerifies(secret, last.body, last.headers["keyport-signature"] as string, Math.floor(Date.now() / 1000) + 600)).toBe(false);
      const body = JSON.parse(last.body);
      const cert = await getDb().certificate.findUniqueOrThrow({ where: { id: certificateId } });
      expect(body).toMatchObject({ id: hook.eventId, type: "certificate.issued", organisation: w.orgA.code, environment: w.env.code, link: `${PUBLIC}/partner/certificates/${certificateId}` });
      expect(body.facts).toMatchObject({ Serial: cert.serialHex, "SHA-256 fingerprint": cert.sha256Fingerprint });
      expectNoSecrets({ text: last.body }, [secret]);

      // The partner sees its deliveries and their answers.
      const seen = (await getNotificationSettings(w.partnerA.actor)).webhookDeliveries.find((x) => x.id === hook.id)!;
      expect(seen).toMatchObject({ status: "sent", attempts: 4, event: "certificate.issued" });
      expect(seen.attemptLog.map((a) => a.answer.slice(0, 8))).toEqual(["HTTP 500", "HTTP 500", "HTTP 500", "HTTP 200"]);
      expect((await getNotificationSettings(w.partnerB.actor)).webhookDeliveries.some((x) => x.id === hook.id)).toBe(false);
    } finally {
      await stopEngines();
      await receiver.close();
    }
  }, 90_000);

  it("dead-letters after the last retry with the reason visible to admins, and tells admins and the organisation that delivery fails permanently", async () => {
    const w = await makeWorld();
    const receiver = await startReceiver([503, 503, 503, 503, 503, 503]);
    try {
      await setWebhook(w.partnerA.actor, { url: receiver.url });
      await drain();
      await getDb().delivery.updateMany({ where: { status: "pending" }, data: { status: "held" } });
      const al = await submitAllowlistRequest(w.partnerA.actor, { environment: w.env.code, entries: ["198.51.100.77"] });
      await approveAllowlistRequest(w.officer1.actor, al.id);
      const hook = await getDb().delivery.findFirstOrThrow({ where: { channel: "webhook", orgId: w.orgA.id, event: { type: "allowlist_request.approved", subjectId: al.id } } });
      await getDb().delivery.updateMany({ where: { status: "pending", id: { not: hook.id } }, data: { status: "held" } });
      const e = await deliveryEngine("dead", { retryLimit: 2 });
      await dispatchDeliveries(e.boss);
      const dead = await waitFor("the dead letter", async () => {
        const row = await getDb().delivery.findUniqueOrThrow({ where: { id: hook.id } });
        return row.status === "dead" ? row : null;
      }, 60_000);
      expect(dead.attempts).toBe(3);
      expect(dead.lastError).toMatch(/^HTTP 503/);
      const outbox = await listOutbox(w.admin.actor, { status: "dead" });
      expect(outbox.deliveries.find((d) => d.id === hook.id)).toMatchObject({ status: "dead", lastError: expect.stringMatching(/^HTTP 503/), channel: "webhook" });
      // The notice: to admins (centre and mail) and to the organisation's mailbox (a security notice).
      const notice = await getDb().notificationEvent.findFirstOrThrow({ where: { type: "delivery.failed", subjectId: hook.id } });
      const noticeMails = await getDb().delivery.findMany({ where: { eventId: notice.id, channel: "email" } });
      expect(noticeMails.map((m) => m.recipients[0].toLowerCase()).sort()).toEqual(lower(w.orgA.groupEmail, ...(await staffEmails("admin", []))));
      expect(noticeMails[0].text).toMatch(/Last error: HTTP 503/);
      expect((await listMyNotifications(w.admin.actor)).items.some((n) => n.type === "delivery.failed" && n.body.includes("HTTP 503"))).toBe(true);
      // A failing notice about a failing delivery is not reported again (no loop): the org's webhook got no second notice.
      expect(await getDb().notificationEvent.count({ where: { type: "delivery.failed", subjectId: hook.id } })).toBe(1);
    } finally {
      await stopEngines();
      await receiver.close();
    }
  }, 90_000);
});
