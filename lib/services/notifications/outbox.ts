// What admins see at /admin/mail: every message Keyport sent or would have sent (with no SMTP the
// outbox is where the demo's mail goes), every webhook delivery, their attempts and dead letters.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { parseInput } from "@/lib/validation";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import { smtpConfigured } from "@/lib/notifications/mail-transport";

export const outboxSchema = z.object({
  status: z.enum(["pending", "sent", "held", "dead"], { message: "status is pending, sent, held or dead." }).optional(),
  channel: z.enum(["email", "webhook"], { message: "channel is email or webhook." }).optional(),
  ...pageParams({ defaultLimit: 100, maxLimit: 500 }),
});

// Newest first (deliveries_(status_|channel_)created_at_id_idx).
const outboxKeyset = defineKeyset<Prisma.DeliveryWhereInput, Prisma.DeliveryOrderByWithRelationInput>("outbox", [{ field: "createdAt", type: "date" }], "desc");

export async function listOutbox(actor: Actor, filters: z.input<typeof outboxSchema> = {}) {
  authorize(actor, "mail:read");
  const f = parseInput(outboxSchema, filters ?? {});
  const db = getDb();
  const base: Prisma.DeliveryWhereInput = { ...(f.status ? { status: f.status } : {}), ...(f.channel ? { channel: f.channel } : {}) };
  const [page, counts] = await Promise.all([
    outboxKeyset.page(f, ({ where, orderBy, take }) =>
      db.delivery.findMany({
        where: { AND: [base, where] },
        orderBy,
        take,
        select: {
          id: true,
          channel: true,
          recipients: true,
          subject: true,
          text: true,
          status: true,
          attempts: true,
          lastError: true,
          createdAt: true,
          sentAt: true,
          event: { select: { type: true } },
          attemptLog: { orderBy: { at: "asc" }, take: 20, select: { at: true, ok: true, answer: true } },
        },
      }),
    ),
    db.delivery.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);
  return {
    smtp: smtpConfigured(),
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number>,
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    deliveries: page.rows.map((d) => ({
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
