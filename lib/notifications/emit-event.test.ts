// emitEvent's fan-out rules, one by one, on a database of this file's own (every officer and
// admin in it is one of ours): who gets a notification-centre line, who gets a mail and with which
// link, when the webhook is called; the dedupe key; nothing written when the change rolls back.
// The fan-out is one SQL statement (issue 21), so these rules are checked here rather than read
// off the code.
import { countedStatements } from "@/lib/testing/count-statements";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrations";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { makeUser, makeWorld, opensslCsr } from "@/lib/testing/world";
import { setWebhook } from "@/lib/services/notifications/org-notification-settings";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { emitEvent } from "./emit-event";
import type { EventInput, EventTypeName } from "./event-types";

const PUBLIC = "https://keyport.test.example";
let db: TestDatabase;
const saved = { url: process.env.DATABASE_URL, smtp: process.env.KEYPORT_SMTP_URL, pub: process.env.KEYPORT_PUBLIC_URL, seal: process.env.KEYPORT_AUDIT_SEAL };

beforeAll(async () => {
  await disconnectDb();
  db = await createTestDatabase("keyport_emit");
  await applyMigrations(db.url);
  process.env.DATABASE_URL = db.url;
  process.env.KEYPORT_PUBLIC_URL = PUBLIC;
  process.env.KEYPORT_SMTP_URL = "smtp://127.0.0.1:1"; // deliveries are written as pending; nothing is sent here
  process.env.KEYPORT_AUDIT_SEAL = "manual"; // no sealer statements among those counted
}, 120_000);

afterAll(async () => {
  await disconnectDb();
  await db?.drop();
  for (const [k, v] of [["DATABASE_URL", saved.url], ["KEYPORT_SMTP_URL", saved.smtp], ["KEYPORT_PUBLIC_URL", saved.pub], ["KEYPORT_AUDIT_SEAL", saved.seal]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function emit(type: EventTypeName, input: EventInput, opts: Parameters<typeof emitEvent>[3] = {}) {
  return getDb().$transaction((tx) => emitEvent(tx, type, input, opts));
}

async function written(eventId: string) {
  // One after the other: on embedded PGlite (one backend) concurrent reads have been seen to mix up their answers.
  const notifications = await getDb().notification.findMany({ where: { eventId }, select: { userId: true, link: true, title: true, body: true } });
  const deliveries = await getDb().delivery.findMany({ where: { eventId }, select: { channel: true, recipients: true, subject: true, text: true, html: true, status: true, orgId: true } });
  const mails = deliveries.filter((d) => d.channel === "email");
  return {
    lines: new Map(notifications.map((n) => [n.userId, n.link])),
    notifications,
    mails: new Map(mails.map((m) => [m.recipients[0], m])),
    mailCount: mails.length,
    webhooks: deliveries.filter((d) => d.channel === "webhook"),
  };
}

const disable = (id: string) => getDb().user.update({ where: { id }, data: { disabled: true } });
/** Every active officer (earlier tests' worlds too: the database is this file's, not this test's). */
const activeOfficers = () => getDb().user.findMany({ where: { role: "officer", disabled: false }, select: { id: true, email: true } });

describe("emitEvent fan-out", () => {
  it("staff and organisation together: one line per active user with its audience's link, one mail per address (last rule wins, case-insensitive), security notices reach the mailbox whatever the preference, the webhook once", async () => {
    const w = await makeWorld();
    const { id: requestId } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr("/CN=fan-out").csr });
    const { certificateId } = await approveCertificateRequest(w.officer1.actor, requestId);
    const viewer = await makeUser("partner", w.orgA.code, "viewer");
    const gone = await makeUser("partner", w.orgA.code, "viewer");
    const goneOfficer = await makeUser("officer");
    await Promise.all([disable(gone.id), disable(goneOfficer.id)]);
    // The organisation's group mailbox is officer2's address in other letters: one mail, with the partner link.
    await getDb().organisation.update({ where: { id: w.orgA.id }, data: { groupEmail: w.officer2.email.toUpperCase() } });
    await getDb().notificationPreference.create({ data: { orgId: w.orgA.id, eventType: "certificate.revoked", toGroup: false, toSubmitter: true } });
    await setWebhook(w.partnerA.actor, { url: "https://hooks.example.com/keyport" });

    const eventId = (await emit("certificate.revoked", { id: certificateId!, reason: "keyCompromise", by: w.officer1.email }))!;
    const out = await written(eventId);
    const cert = `/partner/certificates/${certificateId}`;
    const staff = `/officer/certificates/${certificateId}`;
    const officers = await activeOfficers();
    expect(officers.map((o) => o.id)).not.toContain(goneOfficer.id);
    expect(Object.fromEntries(out.lines)).toEqual({ ...Object.fromEntries(officers.map((o) => [o.id, staff])), [w.partnerA.id]: cert, [viewer.id]: cert });
    expect(out.notifications[0]).toMatchObject({ title: "Certificate revoked", body: expect.stringContaining("Reason: keyCompromise · Revoked by:") });

    const others = officers.filter((o) => o.id !== w.officer2.id).map((o) => o.email);
    expect([...out.mails.keys()].sort()).toEqual([...others, w.officer2.email.toUpperCase(), w.partnerA.email].sort());
    expect(out.mailCount).toBe(officers.length + 1);
    expect(out.mails.get(w.officer1.email)!.text).toContain(`Open in Keyport: ${PUBLIC}${staff}`);
    expect(out.mails.get(w.officer2.email.toUpperCase())!.text).toContain(`Open in Keyport: ${PUBLIC}${cert}`);
    expect(out.mails.get(w.partnerA.email)!.html).toContain(`href="${PUBLIC}${cert}"`);
    for (const m of out.mails.values()) expect(m).toMatchObject({ subject: `[Keyport ${w.env.code} · ${w.orgA.code}] Certificate revoked`, status: "pending", orgId: w.orgA.id });

    expect(out.webhooks).toHaveLength(1);
    const body = JSON.parse(out.webhooks[0].text);
    const event = await getDb().notificationEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(body).toMatchObject({ id: eventId, type: "certificate.revoked", createdAt: event.createdAt.toISOString(), organisation: w.orgA.code, link: `${PUBLIC}${cert}` });
    expect(out.webhooks[0]).toMatchObject({ subject: "certificate.revoked", recipients: [], html: "", status: "pending" });
    expect(event.data).toEqual({ title: "Certificate revoked", facts: expect.objectContaining({ Reason: "keyCompromise" }) });
  });

  it("a request waiting for a second partner security officer: the organisation's other active ones, not the submitter, not viewers", async () => {
    const w = await makeWorld();
    const [second, third, viewer] = await Promise.all([makeUser("partner", w.orgA.code), makeUser("partner", w.orgA.code), makeUser("partner", w.orgA.code, "viewer")]);
    await disable(third.id);
    const { id: requestId } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr("/CN=confirm-me").csr });
    const eventId = (await emit("certificate_request.awaiting_confirmation", { id: requestId, by: w.partnerA.email }))!;
    const out = await written(eventId);
    expect(Object.fromEntries(out.lines)).toEqual({ [second.id]: `/partner/requests/${requestId}` });
    expect([...out.mails.keys()]).toEqual([second.email]);
    expect(out.webhooks).toHaveLength(0);
    expect(viewer.id).not.toBe(second.id);
  });

  it("mailTo: one more address with its own link, in no notification centre; it wins over a staff rule for the same address", async () => {
    const w = await makeWorld();
    const { id: requestId } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr("/CN=mail-to").csr });
    const eventId = (await emit("certificate_request.submitted", { id: requestId }, { mailTo: { email: w.officer1.email.toUpperCase(), link: "/only/for/you" } }))!;
    const out = await written(eventId);
    const officers = await activeOfficers();
    expect([...out.lines.keys()].sort()).toEqual(officers.map((o) => o.id).sort());
    expect(out.mailCount).toBe(officers.length);
    expect(out.mails.get(w.officer1.email.toUpperCase())!.text).toContain(`Open in Keyport: ${PUBLIC}/only/for/you`);
    expect(out.mails.get(w.officer2.email)!.text).toContain(`Open in Keyport: ${PUBLIC}/officer/requests/${requestId}`);
  });

  it("with no SMTP server mail is held; the preferences' submitter copy; no webhook without an endpoint", async () => {
    const w = await makeWorld();
    const { id: requestId } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr("/CN=held").csr });
    await getDb().notificationPreference.create({ data: { orgId: w.orgA.id, eventType: "certificate_request.rejected", toGroup: true, toSubmitter: false } });
    const smtp = process.env.KEYPORT_SMTP_URL;
    delete process.env.KEYPORT_SMTP_URL;
    try {
      const eventId = (await emit("certificate_request.rejected", { id: requestId, reason: "no" }))!;
      const out = await written(eventId);
      expect([...out.mails.keys()]).toEqual([w.orgA.groupEmail]);
      expect(out.mails.get(w.orgA.groupEmail)!.status).toBe("held");
      expect(out.webhooks).toHaveLength(0);
      expect(Object.fromEntries(out.lines)).toEqual({ [w.partnerA.id]: `/partner/requests/${requestId}` });
    } finally {
      process.env.KEYPORT_SMTP_URL = smtp;
    }
  });

  it("a repeated dedupe key writes nothing and returns null; a rolled-back change leaves no event, line or delivery", async () => {
    const w = await makeWorld();
    const { id: requestId } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr("/CN=once").csr });
    const key = `test:${requestId}`;
    const first = await emit("certificate_request.submitted", { id: requestId }, { dedupeKey: key });
    expect(first).toEqual(expect.any(String));
    const counts = async () => [await getDb().notification.count(), await getDb().delivery.count()];
    const before = await counts();
    expect(await emit("certificate_request.submitted", { id: requestId }, { dedupeKey: key })).toBeNull();
    expect(await counts()).toEqual(before);

    let emitted: string | null = null;
    await expect(
      getDb().$transaction(async (tx) => {
        emitted = await emitEvent(tx, "certificate_request.submitted", { id: requestId });
        throw new Error("the change fails after the event");
      }),
    ).rejects.toThrow("the change fails");
    expect(emitted).toEqual(expect.any(String));
    expect(await getDb().notificationEvent.count({ where: { id: emitted! } })).toBe(0);
    expect(await counts()).toEqual(before);
  });

  it("costs two statements, one when the caller passes the row it holds; the row changes nothing in what is written", async () => {
    const w = await makeWorld();
    const { id: requestId } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr("/CN=row").csr });
    const { certificateId } = await approveCertificateRequest(w.officer1.actor, requestId);
    const db = getDb();
    const request = await db.certificateRequest.findUniqueOrThrow({ where: { id: requestId }, include: { env: { select: { code: true, approvalsRequired: true } }, org: { select: { code: true } } } });
    const certificate = await db.certificate.findUniqueOrThrow({ where: { id: certificateId! }, include: { env: { select: { code: true } }, org: { select: { code: true } }, request: { select: { submittedById: true } } } });
    const shape = async (eventId: string) => {
      const e = await db.notificationEvent.findUniqueOrThrow({ where: { id: eventId } });
      const out = await written(eventId);
      const mails = [...out.mails.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([to, m]) => [to, m.subject, m.text, m.html, m.status]);
      return { type: e.type, orgId: e.orgId, envId: e.envId, subject: [e.subjectType, e.subjectId], data: e.data, lines: Object.fromEntries(out.lines), mails, webhooks: out.webhooks.length };
    };
    for (const [type, input] of [
      ["certificate_request.submitted", { id: requestId, row: { request } }],
      ["certificate_request.approval_recorded", { id: requestId, by: "someone", extra: { approvals: "1" }, row: { request } }],
      ["certificate.issued", { id: certificateId!, row: { certificate } }],
      ["certificate.revoked", { id: certificateId!, reason: "superseded", by: "someone", row: { certificate } }],
    ] as [EventTypeName, EventInput][]) {
      const { row, ...plain } = input;
      const read = await statementsOf(() => emit(type, plain));
      const held = await statementsOf(() => emit(type, { ...plain, row }));
      // BEGIN, the statements, COMMIT.
      expect(read.statements - 2, type).toBe(2);
      expect(held.statements - 2, type).toBe(1);
      expect(await shape(held.result!), type).toEqual(await shape(read.result!));
    }
  });
});

/** How many statements `fn` sends (lib/testing/count-statements.ts). */
async function statementsOf<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const { result, statements } = await countedStatements(fn);
  return { result, statements: statements.length };
}
