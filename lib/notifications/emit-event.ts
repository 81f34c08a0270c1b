// emitEvent: the one way to notify. Called inside the transaction of the change that causes the
// event (the transactional outbox): the event, each user's notification-centre line and every
// delivery (mail, webhook) are written with the change, or not at all. Sending happens later, in
// the notification-delivery job (lib/notifications/deliver.ts), with retries and backoff.
import type { Tx } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { publicUrl } from "@/lib/ca/authority";
import { type EventFacts, type EventInput, type EventTypeName, EVENT_TYPES, type EventType } from "./event-types";
import { renderMail } from "./render-mail";
import { smtpConfigured } from "./mail-transport";

export type EmitOptions = {
  /** At most one event per key, ever (e.g. "certificate.expiring:<id>:30"); a repeat is a no-op (returns null). */
  dedupeKey?: string;
  /**
   * One more recipient, by mail only, with a link only they receive: an invitation's single-use
   * link goes to the invitee and to nobody else (not the notification centre, not the webhook).
   */
  mailTo?: { email: string; link: string };
};

type Recipient = { userId?: string; email: string };

/** The webhook's JSON body (what partners verify and parse). */
export function webhookPayload(event: { id: string; type: string; createdAt: Date }, facts: EventFacts) {
  return {
    id: event.id,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    organisation: facts.orgCode ?? null,
    environment: facts.envCode ?? null,
    subject: { type: facts.subjectType, id: facts.subjectId },
    title: facts.title,
    facts: Object.fromEntries(facts.facts),
    link: facts.partnerLink ? `${publicUrl()}${facts.partnerLink}` : null,
  };
}

async function staff(tx: Tx, role: "officer" | "admin"): Promise<Recipient[]> {
  const users = await tx.user.findMany({ where: { role, disabled: false }, select: { id: true, email: true }, orderBy: { email: "asc" } });
  return users.map((u) => ({ userId: u.id, email: u.email }));
}

async function orgPreference(tx: Tx, orgId: string, type: string, def: EventType) {
  const row = await tx.notificationPreference.findUnique({ where: { orgId_eventType: { orgId, eventType: type } } });
  const chosen = row ?? def.defaults ?? { toGroup: true, toSubmitter: false };
  // Security notices cannot be switched off for the group mailbox.
  return { toGroup: def.security ? true : chosen.toGroup, toSubmitter: chosen.toSubmitter };
}

export async function emitEvent(tx: Tx, type: EventTypeName, input: EventInput, opts: EmitOptions = {}): Promise<string | null> {
  const def: EventType = EVENT_TYPES[type];
  const facts = await def.describe(tx, input);
  const [event] = await tx.notificationEvent.createManyAndReturn({
    data: [
      {
        type,
        orgId: facts.orgId ?? null,
        envId: facts.envId ?? null,
        subjectType: facts.subjectType,
        subjectId: facts.subjectId,
        dedupeKey: opts.dedupeKey ?? null,
        data: { title: facts.title, facts: Object.fromEntries(facts.facts) },
      },
    ],
    skipDuplicates: true,
  });
  if (!event) return null; // already emitted under this key

  const notifications: { userId: string; title: string; body: string; link: string | null }[] = [];
  const mails = new Map<string, { email: string; link?: string }>();
  const body = facts.facts.map(([k, v]) => `${k}: ${v}`).join(" · ");
  const addStaff = (list: Recipient[]) => {
    for (const r of list) {
      notifications.push({ userId: r.userId!, title: facts.title, body, link: facts.staffLink ?? null });
      mails.set(r.email.toLowerCase(), { email: r.email, link: facts.staffLink });
    }
  };
  if (def.audience.officers) addStaff(await staff(tx, "officer"));
  if (def.audience.admins) addStaff(await staff(tx, "admin"));
  if (def.audience.orgSecurityOfficers && facts.orgId) {
    // The organisation's other partner security officers (not the one who acted): a request waits for one of them.
    const officers = await tx.user.findMany({
      where: { orgId: facts.orgId, role: "partner", partnerRole: "partner_security_officer", disabled: false, ...(facts.submitterId ? { id: { not: facts.submitterId } } : {}) },
      select: { id: true, email: true },
      orderBy: { email: "asc" },
    });
    for (const u of officers) {
      notifications.push({ userId: u.id, title: facts.title, body, link: facts.partnerLink ?? null });
      mails.set(u.email.toLowerCase(), { email: u.email, link: facts.partnerLink });
    }
  }
  if (opts.mailTo) mails.set(opts.mailTo.email.toLowerCase(), { email: opts.mailTo.email, link: opts.mailTo.link });

  let webhook = false;
  if (def.audience.org && facts.orgId) {
    const org = await tx.organisation.findUniqueOrThrow({ where: { id: facts.orgId }, select: { groupEmail: true, users: { where: { disabled: false }, select: { id: true, email: true } } } });
    for (const u of org.users) notifications.push({ userId: u.id, title: facts.title, body, link: facts.partnerLink ?? null });
    const pref = await orgPreference(tx, facts.orgId, type, def);
    if (pref.toGroup && org.groupEmail) mails.set(org.groupEmail.toLowerCase(), { email: org.groupEmail, link: facts.partnerLink });
    if (pref.toSubmitter && facts.submitterId) {
      const submitter = org.users.find((u) => u.id === facts.submitterId);
      if (submitter) mails.set(submitter.email.toLowerCase(), { email: submitter.email, link: facts.partnerLink });
    }
    webhook = !!(await tx.webhookEndpoint.findUnique({ where: { orgId: facts.orgId }, select: { orgId: true } }));
  }

  const seen = new Set<string>();
  const unique = notifications.filter((n) => (seen.has(n.userId) ? false : (seen.add(n.userId), true)));
  if (unique.length) await tx.notification.createMany({ data: unique.map((n) => ({ ...n, eventId: event.id })) });

  const mailStatus = smtpConfigured() ? "pending" : "held";
  const deliveries = [...mails.values()].map((m) => {
    const mail = renderMail(facts, m.link ? `${publicUrl()}${m.link}` : null);
    return { eventId: event.id, orgId: facts.orgId ?? null, channel: "email", recipients: [m.email], subject: mail.subject, text: mail.text, html: mail.html, status: mailStatus };
  });
  if (webhook) {
    deliveries.push({
      eventId: event.id,
      orgId: facts.orgId ?? null,
      channel: "webhook",
      recipients: [],
      subject: type,
      text: JSON.stringify(webhookPayload(event, facts)),
      html: "",
      status: "pending",
    });
  }
  if (deliveries.length) await tx.delivery.createMany({ data: deliveries });
  return event.id;
}

/** How a message names who acted: the user's e-mail address, or "Keyport (cli|jobs)". */
export function actorName(actor: Actor): string {
  return actor.type === "user" ? actor.email : `Keyport (${actor.name})`;
}

/**
 * A provider-side change that every partner organisation must act on (the provider's server chain,
 * its client CA): one event per active organisation, so each hears of it through its own
 * preferences, mailbox and webhook. `id` is what the event type describes; the organisation goes in extra.orgId.
 */
export async function notifyEveryPartner(tx: Tx, type: "provider_server_chain.changed" | "provider_client_ca.created", id: string): Promise<number> {
  const orgs = await tx.organisation.findMany({ where: { disabled: false }, select: { id: true }, orderBy: { code: "asc" } });
  for (const org of orgs) await emitEvent(tx, type, { id, extra: { orgId: org.id } });
  return orgs.length;
}
