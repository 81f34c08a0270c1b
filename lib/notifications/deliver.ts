// Sending what emitEvent wrote. The dispatcher (cron, one run per tick) sends one pg-boss job per
// pending delivery whose job id IS the delivery id: pg-boss inserts with ON CONFLICT DO NOTHING,
// so a delivery gets one job however often or on however many instances it is dispatched. Each job
// is fetched by one worker (SKIP LOCKED in pg-boss); a failure throws and pg-boss retries it with
// exponential backoff; the last failure dead-letters the delivery (status "dead", reason kept) and
// tells admins and the organisation (delivery.failed). A delivery already sent, held or dead is
// never sent again, so a duplicate run is a no-op.
import type PgBoss from "pg-boss";
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { getDb } from "@/lib/db/client";
import { openWebhookSecret } from "@/lib/ca/webhook-secret";
import { log } from "@/lib/log/logger";
import { emitEvent } from "./emit-event";
import { mailFrom, mailTransport, smtpConfigured } from "./mail-transport";
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from "./webhook-signature";

export const DELIVERY_QUEUE = "notification-delivery";
const BATCH = 500;
const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_ANSWER = 500;

/** Hand pending deliveries to the job engine. Returns how many were handed over. */
export async function dispatchDeliveries(boss: PgBoss): Promise<{ dispatched: number }> {
  const db = getDb();
  const pending = await db.delivery.findMany({ where: { status: "pending", queuedAt: null }, select: { id: true }, orderBy: { createdAt: "asc" }, take: BATCH });
  for (const { id } of pending) {
    // Job id = delivery id: sending twice (two dispatchers, a crash before the update) makes one job.
    await boss.send(DELIVERY_QUEUE, { deliveryId: id }, { id });
    await db.delivery.update({ where: { id }, data: { queuedAt: new Date() } });
  }
  return { dispatched: pending.length };
}

/** Webhook targets must be public HTTPS (no SSRF into the portal's network), unless KEYPORT_WEBHOOK_ALLOW_PRIVATE=1 (tests, labs). */
export function webhookUrlProblem(raw: string, env: NodeJS.ProcessEnv = process.env): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Not a URL: give the full address, such as https://hooks.example.com/keyport.";
  }
  const allowPrivate = env.KEYPORT_WEBHOOK_ALLOW_PRIVATE === "1";
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) return "The webhook URL must start with https://.";
  if (url.username || url.password) return "Put no user name or password in the URL: requests are signed with the webhook secret.";
  if (raw.length > 2000) return "At most 2000 characters.";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && (host === "localhost" || (ipaddr.isValid(host) && ipaddr.parse(host).range() !== "unicast"))) return "The webhook URL must be a public address.";
  return null;
}

async function assertPublicTarget(url: URL) {
  if (process.env.KEYPORT_WEBHOOK_ALLOW_PRIVATE === "1") return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(host) ? [{ address: host }] : await lookup(host, { all: true });
  for (const a of addresses) {
    if (ipaddr.process(a.address).range() !== "unicast") throw new Error(`refused: ${host} resolves to a non-public address (${a.address})`);
  }
}

type Attempt = { ok: boolean; answer: string };

async function sendMail(d: { id: string; recipients: string[]; subject: string; text: string; html: string }): Promise<Attempt> {
  const info = await mailTransport().sendMail({
    from: mailFrom(),
    to: d.recipients,
    subject: d.subject,
    text: d.text,
    html: d.html,
    // The delivery id as Message-ID: a receiver can tell a re-sent copy (after a crash between
    // the server's "250" and our commit) from a new message.
    messageId: `<${d.id}@keyport>`,
  });
  return { ok: true, answer: String(info.response ?? "accepted") };
}

async function postWebhook(d: { id: string; orgId: string | null; eventId: string; text: string }): Promise<Attempt> {
  if (!d.orgId) return { ok: false, answer: "no organisation" };
  const endpoint = await getDb().webhookEndpoint.findUnique({ where: { orgId: d.orgId } });
  if (!endpoint) return { ok: false, answer: "the organisation removed its webhook" };
  const url = new URL(endpoint.url);
  await assertPublicTarget(url);
  const secret = openWebhookSecret(endpoint.sealedSecret, d.orgId, endpoint.masterKeyId);
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signWebhook(secret, d.text), [EVENT_ID_HEADER]: d.eventId, "user-agent": "Keyport-Webhook/1" },
    body: d.text,
    redirect: "manual",
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  const body = (await res.text().catch(() => "")).slice(0, 200);
  return { ok: res.status >= 200 && res.status < 300, answer: `HTTP ${res.status}${body ? ` ${body}` : ""}` };
}

const clip = (s: string) => s.replace(/[\r\n]+/g, " ").slice(0, MAX_ANSWER);

/** The notification-delivery job: one delivery, one attempt. Throws to have pg-boss retry it. */
export async function deliverNotification(job: { data: unknown; retryCount: number; retryLimit: number }) {
  const deliveryId = (job.data as { deliveryId?: unknown } | null)?.deliveryId;
  if (typeof deliveryId !== "string") return { skipped: "no delivery id" };
  const db = getDb();
  const d = await db.delivery.findUnique({ where: { id: deliveryId }, include: { event: { select: { type: true } } } });
  if (!d || d.status !== "pending") return { skipped: d?.status ?? "gone" };
  if (d.channel === "email" && !smtpConfigured()) {
    await db.delivery.update({ where: { id: d.id }, data: { status: "held" } });
    return { held: true };
  }
  let attempt: Attempt;
  try {
    attempt = d.channel === "webhook" ? await postWebhook(d) : await sendMail(d);
  } catch (e) {
    attempt = { ok: false, answer: e instanceof Error ? e.message : String(e) };
  }
  const answer = clip(attempt.answer);
  const last = job.retryCount >= job.retryLimit;
  await db.$transaction(async (tx) => {
    await tx.deliveryAttempt.create({ data: { deliveryId: d.id, ok: attempt.ok, answer } });
    const status = attempt.ok ? "sent" : last ? "dead" : "pending";
    // Only a pending delivery moves on: a second run that raced this one changes nothing.
    const moved = await tx.delivery.updateMany({
      where: { id: d.id, status: "pending" },
      data: { status, attempts: { increment: 1 }, lastError: attempt.ok ? null : answer, ...(attempt.ok ? { sentAt: new Date() } : {}) },
    });
    // A failed delivery of a delivery.failed notice is not reported again (no loop).
    if (moved.count && status === "dead" && d.event.type !== "delivery.failed") await emitEvent(tx, "delivery.failed", { id: d.id, reason: answer });
  });
  if (!attempt.ok && !last) {
    log("notifications").warn({ delivery: d.id, channel: d.channel, attempt: job.retryCount + 1, answer }, "notification delivery failed (it is retried)");
    throw new Error(`${d.channel} delivery failed: ${answer}`);
  }
  if (!attempt.ok) log("notifications").error({ delivery: d.id, channel: d.channel, answer }, "notification delivery dead-lettered after its last retry");
  return { delivered: attempt.ok };
}
