// What admins see at /admin/mail: every message Keyport sent or would have sent (with no SMTP the
// outbox is where the demo's mail goes), every webhook delivery, their attempts and dead letters.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { parseInput } from "@/lib/validation";
import { smtpConfigured } from "@/lib/notifications/mail-transport";

export const outboxSchema = z.object({
  status: z.enum(["pending", "sent", "held", "dead"], { message: "status is pending, sent, held or dead." }).optional(),
  channel: z.enum(["email", "webhook"], { message: "channel is email or webhook." }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export async function listOutbox(actor: Actor, filters: z.input<typeof outboxSchema> = {}) {
  authorize(actor, "mail:read");
  const f = parseInput(outboxSchema, filters ?? {});
  const db = getDb();
  const [rows, counts] = await Promise.all([
    db.delivery.findMany({
      where: { ...(f.status ? { status: f.status } : {}), ...(f.channel ? { channel: f.channel } : {}) },
      orderBy: { createdAt: "desc" },
      take: f.limit,
      include: { event: { select: { type: true } }, attemptLog: { orderBy: { at: "asc" }, take: 20 } },
    }),
    db.delivery.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);
  return {
    smtp: smtpConfigured(),
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number>,
    deliveries: rows.map((d) => ({
      id: d.id,
      event: d.event.type,
      channel: d.channel,
      recipients: d.recipients,
      subject: d.subject,
      text: d.text,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      sentAt: d.sentAt?.toISOString() ?? null,
      attemptLog: d.attemptLog.map((a) => ({ at: a.at.toISOString(), ok: a.ok, answer: a.answer })),
    })),
  };
}
