// emitEvent: the one way to notify. Called inside the transaction of the change that causes the
// event (the transactional outbox): the event, each user's notification-centre line and every
// delivery (mail, webhook) are written with the change, or not at all. Sending happens later, in
// the notification-delivery job (lib/notifications/deliver.ts), with retries and backoff.
//
// Two statements per event (issue 21: each Prisma statement on the request path costs ~0.5–1 ms
// of Node CPU), one when the caller passes the row it holds (EventInput.row: a request or a
// certificate just written or locked): the event type's `describe` (one read of the facts), then ONE statement
// (fanOutSql) that inserts the event and, in data-modifying CTEs of the same statement, picks the
// recipients (officers, admins, the organisation's users and security officers), applies the
// organisation's preferences, looks for its webhook and inserts the notification-centre lines
// and the deliveries. It reads users, preferences and webhooks inside the transaction, so there
// is no cache to invalidate. The rules (who hears of what, which address wins) are those spelled
// out beside each CTE; the messages are rendered here, once per link (staff, partner, mailTo).
import { randomUUID } from "node:crypto";
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

/** A rendered mail body for one link (null: the audience that would use it is not addressed). */
function bodies(facts: EventFacts, link: string | undefined, needed: boolean) {
  if (!needed) return { text: null, html: null };
  const { text, html } = renderMail(facts, link ? `${publicUrl()}${link}` : null);
  return { text, html };
}

/**
 * The fan-out, one statement. Parameters come in once, through the `p` CTE. Recipients are
 * ranked by `prio` in the order the rules were once applied one after another:
 *   1 officers, 2 admins (links to staff pages), 3 the organisation's other partner security
 *   officers, 4 the mailTo address, 5 the group mailbox, 6 the submitter (links to partner pages).
 * A user gets one notification-centre line, from the FIRST rule that names them (staff before
 * organisation; `org` users rank 4 there); an address gets one mail, from the LAST rule that names
 * it (case-insensitively), so that e.g. a group mailbox that is also an officer's address gets the
 * partner link. Every insert reads `ev`: when the dedupe key was taken, nothing is written.
 */
const FAN_OUT_SQL = `
WITH p AS (
  SELECT $1::uuid AS event_id, $2::text AS type, $3::uuid AS org_id, $4::uuid AS env_id, $5::text AS subject_type,
         $6::text AS subject_id, $7::text AS dedupe_key, $8::jsonb AS data, $9::timestamptz AS created_at,
         $10::boolean AS to_officers, $11::boolean AS to_admins, $12::boolean AS to_org_officers, $13::boolean AS to_org,
         $14::uuid AS submitter_id, $15::boolean AS security, $16::boolean AS def_group, $17::boolean AS def_submitter,
         $18::text AS title, $19::text AS body, $20::text AS staff_link, $21::text AS partner_link,
         $22::text AS mail_to, $23::text AS subject, $24::text AS status,
         $25::text AS staff_text, $26::text AS staff_html, $27::text AS partner_text, $28::text AS partner_html,
         $29::text AS mail_to_text, $30::text AS mail_to_html, $31::text AS webhook_body
),
ev AS (
  INSERT INTO notification_events (id, type, org_id, env_id, subject_type, subject_id, dedupe_key, data, created_at)
  SELECT event_id, type, org_id, env_id, subject_type, subject_id, dedupe_key, data, created_at FROM p
  ON CONFLICT DO NOTHING
  RETURNING id
),
people AS (
  SELECT u.id AS user_id, u.email, CASE u.role WHEN 'officer' THEN 1 ELSE 2 END AS prio, 's' AS link
    FROM users u, p
   WHERE NOT u.disabled AND ((p.to_officers AND u.role = 'officer') OR (p.to_admins AND u.role = 'admin'))
  UNION ALL
  -- The organisation's other partner security officers (not the one who acted): a request waits for one of them.
  SELECT u.id, u.email, 3, 'p'
    FROM users u, p
   WHERE p.to_org_officers AND u.org_id = p.org_id AND NOT u.disabled AND u.role = 'partner'
     AND u.partner_role = 'partner_security_officer' AND u.id IS DISTINCT FROM p.submitter_id
),
org_users AS (
  SELECT u.id AS user_id, u.email FROM users u, p WHERE p.to_org AND u.org_id = p.org_id AND NOT u.disabled
),
pref AS (
  -- The organisation's choice, else the event type's default. Security notices cannot be switched off for the group mailbox.
  SELECT COALESCE(np.to_group, p.def_group) OR p.security AS to_group, COALESCE(np.to_submitter, p.def_submitter) AS to_submitter
    FROM p LEFT JOIN notification_preferences np ON np.org_id = p.org_id AND np.event_type = p.type
),
mails AS (
  SELECT DISTINCT ON (lower(email)) email, link FROM (
    SELECT email, prio, link FROM people
    UNION ALL SELECT p.mail_to, 4, 'm' FROM p WHERE p.mail_to IS NOT NULL
    UNION ALL SELECT o.group_email, 5, 'p' FROM p JOIN organisations o ON o.id = p.org_id, pref
               WHERE p.to_org AND pref.to_group AND o.group_email <> ''
    UNION ALL SELECT ou.email, 6, 'p' FROM org_users ou, p, pref WHERE pref.to_submitter AND ou.user_id = p.submitter_id
  ) r ORDER BY lower(email), prio DESC
),
notified AS (
  INSERT INTO notifications (id, user_id, event_id, title, body, link, created_at)
  SELECT gen_random_uuid(), r.user_id, ev.id, p.title, p.body, CASE r.link WHEN 's' THEN p.staff_link ELSE p.partner_link END, p.created_at
    FROM ev, p, (
      SELECT DISTINCT ON (user_id) user_id, link FROM (
        SELECT user_id, prio, link FROM people UNION ALL SELECT user_id, 4, 'p' FROM org_users
      ) x ORDER BY user_id, prio
    ) r
),
delivered AS (
  INSERT INTO deliveries (id, event_id, org_id, channel, recipients, subject, text, html, status, attempts, created_at)
  SELECT gen_random_uuid(), ev.id, p.org_id, 'email', ARRAY[m.email], p.subject,
         CASE m.link WHEN 's' THEN p.staff_text WHEN 'm' THEN p.mail_to_text ELSE p.partner_text END,
         CASE m.link WHEN 's' THEN p.staff_html WHEN 'm' THEN p.mail_to_html ELSE p.partner_html END,
         p.status, 0, p.created_at
    FROM ev, p, mails m
  UNION ALL
  SELECT gen_random_uuid(), ev.id, p.org_id, 'webhook', '{}'::text[], p.type, p.webhook_body, '', 'pending', 0, p.created_at
    FROM ev, p WHERE p.to_org AND EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.org_id = p.org_id)
)
SELECT id::text AS id FROM ev`;

export async function emitEvent(tx: Tx, type: EventTypeName, input: EventInput, opts: EmitOptions = {}): Promise<string | null> {
  const def: EventType = EVENT_TYPES[type];
  const facts = await def.describe(tx, input);
  const orgId = facts.orgId ?? null;
  const audience = {
    officers: !!def.audience.officers,
    admins: !!def.audience.admins,
    orgOfficers: !!(def.audience.orgSecurityOfficers && orgId),
    org: !!(def.audience.org && orgId),
  };
  const defaults = def.defaults ?? { toGroup: true, toSubmitter: false };
  // Only the bodies some recipient can receive are rendered.
  const staff = bodies(facts, facts.staffLink, audience.officers || audience.admins);
  const partner = bodies(facts, facts.partnerLink, audience.orgOfficers || audience.org);
  const mailTo = bodies(facts, opts.mailTo?.link, !!opts.mailTo);
  const event = { id: randomUUID(), type, createdAt: new Date() };
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    FAN_OUT_SQL,
    event.id,
    type,
    orgId,
    facts.envId ?? null,
    facts.subjectType,
    facts.subjectId,
    opts.dedupeKey ?? null,
    JSON.stringify({ title: facts.title, facts: Object.fromEntries(facts.facts) }),
    event.createdAt,
    audience.officers,
    audience.admins,
    audience.orgOfficers,
    audience.org,
    facts.submitterId ?? null,
    !!def.security,
    defaults.toGroup,
    defaults.toSubmitter,
    facts.title,
    facts.facts.map(([k, v]) => `${k}: ${v}`).join(" · "),
    facts.staffLink ?? null,
    facts.partnerLink ?? null,
    opts.mailTo?.email ?? null,
    renderMail(facts, null).subject,
    smtpConfigured() ? "pending" : "held",
    staff.text,
    staff.html,
    partner.text,
    partner.html,
    mailTo.text,
    mailTo.html,
    audience.org ? JSON.stringify(webhookPayload(event, facts)) : null,
  );
  return rows[0]?.id ?? null; // none: already emitted under this key
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
