// The notification centre: each signed-in user's own notifications (scoped by user id, never by
// a parameter), the unread count for the bell, and marking them read.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";

function userOf(actor: Actor): string {
  if (actor.type !== "user") throw new AppError("forbidden", "Notifications belong to signed-in users.");
  return actor.userId;
}

export const listNotificationsSchema = z.object({
  unread: z.union([z.boolean(), z.enum(["true", "false", "1", "0"])]).optional().transform((v) => v === true || v === "true" || v === "1"),
  ...pageParams({ defaultLimit: 50, maxLimit: 200 }),
});

// Newest first (notifications_user_id_created_at_id_idx).
const notificationsKeyset = defineKeyset<Prisma.NotificationWhereInput, Prisma.NotificationOrderByWithRelationInput>("notifications", [{ field: "createdAt", type: "date" }], "desc");

export async function listMyNotifications(actor: Actor, filters: z.input<typeof listNotificationsSchema> = {}) {
  authorize(actor, "notification:read");
  const userId = userOf(actor);
  const { unread, ...paging } = parseInput(listNotificationsSchema, filters ?? {});
  const [page, unreadCount] = await Promise.all([
    notificationsKeyset.page(paging, ({ where, orderBy, take }) =>
      getDb().notification.findMany({
        where: { AND: [{ userId, ...(unread ? { readAt: null } : {}) }, where] },
        orderBy,
        take,
        select: { id: true, title: true, body: true, link: true, createdAt: true, readAt: true, event: { select: { type: true } } },
      }),
    ),
    getDb().notification.count({ where: { userId, readAt: null } }),
  ]);
  return {
    unread: unreadCount,
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    items: page.rows.map((n) => ({ id: n.id, type: n.event.type, title: n.title, body: n.body, link: n.link, createdAt: n.createdAt.toISOString(), readAt: n.readAt?.toISOString() ?? null })),
  };
}

/** The bell's number. */
export async function countMyUnread(actor: Actor): Promise<number> {
  authorize(actor, "notification:read");
  return getDb().notification.count({ where: { userId: userOf(actor), readAt: null } });
}

export const markReadSchema = z.object({
  ids: z.array(z.string().uuid("Each id is a notification id.")).max(200).optional(),
  all: z.union([z.boolean(), z.enum(["true", "1"])]).optional(),
});

/** Mark some (ids) or all of one's own notifications read. Another user's ids change nothing. */
export async function markNotificationsRead(actor: Actor, input: z.input<typeof markReadSchema>) {
  authorize(actor, "notification:read");
  const userId = userOf(actor);
  const data = parseInput(markReadSchema, input ?? {});
  const all = data.all === true || data.all === "true" || data.all === "1";
  if (!all && !data.ids?.length) throw new AppError("validation_failed", "Name the notifications to mark read (ids), or all.", { ids: "Choose notifications." });
  const res = await getDb().notification.updateMany({ where: { userId, readAt: null, ...(all ? {} : { id: { in: data.ids! } }) }, data: { readAt: new Date() } });
  return { marked: res.count };
}
