import Link from "next/link";
import { redirect } from "next/navigation";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { formatTime } from "@/components/ui/format";
import { MarkReadForm } from "@/components/notifications/notification-forms";
import { getWebActor } from "@/lib/auth/web-actor";
import { listMyNotifications } from "@/lib/services/notifications/my-notifications";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

/** The notification centre of the signed-in user, whatever their role (the service scopes to the user). */
export default async function NotificationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await getWebActor();
  if (!actor || actor.type !== "user") redirect("/signin?callbackUrl=%2Fnotifications");
  const at = cursorParams(await searchParams);
  // One page at a time, newest first (keyset).
  const { items, unread, nextCursor, prevCursor } = await orFirstPage(at, (c) => listMyNotifications(actor, { limit: 100, ...c }));
  const pager = <Pager params={{}} nextCursor={nextCursor} prevCursor={prevCursor} paged={isPaged(at)} label="Notification pages" />;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={actor.role === "officer" ? "Requests and chains waiting for your decision, and what happened to certificates." : "What happened to your organisation's certificates, requests and exchange items."}>
        Notifications
      </PageTitle>
      <Card title={`${unread} unread`} actions={
          <span className="flex items-center gap-6">
            {pager}
            {unread ? <MarkReadForm label="Mark all read" /> : null}
          </span>
        }
      >
        {items.length ? (
          <ul className="divide-y divide-slate-100" aria-label="Notifications" data-testid="notification-list">
            {items.map((n) => (
              <li key={n.id} className={`flex flex-wrap items-start justify-between gap-3 py-3 ${n.readAt ? "text-slate-500" : ""}`} data-unread={n.readAt ? undefined : "true"}>
                <div className="grid gap-1">
                  <span className="font-medium">{n.link ? <Link href={n.link} className="hover:underline">{n.title}</Link> : n.title}</span>
                  <span className="break-all text-xs">{n.body}</span>
                  <span className="text-xs text-slate-500">{formatTime(n.createdAt)}</span>
                </div>
                {n.readAt ? null : <MarkReadForm id={n.id} />}
              </li>
            ))}
          </ul>
        ) : (
          <Empty>Nothing yet.</Empty>
        )}
      </Card>
    </div>
  );
}
