import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Badge, type Tone } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { ReminderDaysForm } from "@/components/notifications/notification-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listOutbox } from "@/lib/services/notifications/outbox";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";
import { listReminderPolicies } from "@/lib/services/notifications/reminder-policy";

export const dynamic = "force-dynamic";

const tone = (s: string): Tone => (s === "sent" ? "good" : s === "dead" ? "bad" : s === "held" ? "info" : "warn");

/** Every message Keyport sent or would have sent (the demo has no SMTP: its mail waits here), webhooks, dead letters. */
export default async function MailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:admin", "/admin/mail");
  const at = cursorParams(await searchParams);
  // One page at a time, newest first (keyset).
  const [outbox, policies] = await Promise.all([orFirstPage(at, (c) => listOutbox(actor, { limit: 100, ...c })), listReminderPolicies(actor)]);
  return (
    <div className="grid gap-6">
      <PageTitle
        subtitle={
          outbox.smtp
            ? "Mail goes out through KEYPORT_SMTP_URL; every message and webhook, its attempts and any dead letter are listed here."
            : "No SMTP is configured (KEYPORT_SMTP_URL is unset): mail is held in this outbox, so you can read every message Keyport would have sent."
        }
      >
        Mail and webhooks
      </PageTitle>
      <p className="text-sm" data-testid="outbox-counts">
        {["pending", "sent", "held", "dead"].map((s) => `${s}: ${outbox.counts[s] ?? 0}`).join(" · ")}
      </p>
      <Card title="Messages" actions={<Pager params={{}} nextCursor={outbox.nextCursor} prevCursor={outbox.prevCursor} paged={isPaged(at)} label="Outbox pages" />}>
        {outbox.deliveries.length ? (
          <ul className="divide-y divide-slate-100" aria-label="Outbox" data-testid="outbox">
            {outbox.deliveries.map((d) => (
              <li key={d.id} className="grid gap-1 py-3">
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <Badge tone={tone(d.status)}>{d.status}</Badge>
                  <span className="text-slate-500">{d.channel}</span>
                  <span className="font-medium">{d.channel === "email" ? d.subject : `webhook: ${d.event}`}</span>
                </div>
                <div className="text-xs text-slate-600">
                  {d.channel === "email" ? `To ${d.recipients.join(", ")}` : "POST to the organisation's webhook"} · {formatTime(d.createdAt)} · {d.attempts} attempt(s)
                  {d.lastError ? <span className="text-red-700"> · last error: {d.lastError}</span> : null}
                </div>
                <details>
                  <summary className="cursor-pointer text-xs text-slate-600">Message</summary>
                  <pre className="mt-1 whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">{d.text}</pre>
                  {d.attemptLog.length ? (
                    <ol className="mt-1 list-decimal pl-6 text-xs">
                      {d.attemptLog.map((a, i) => (
                        <li key={i}>
                          {formatTime(a.at)} {a.ok ? "ok" : "failed"}: {a.answer}
                        </li>
                      ))}
                    </ol>
                  ) : null}
                </details>
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No messages yet.</Empty>
        )}
      </Card>
      <Card title="Expiry reminders">
        <p className="mb-3 text-sm text-slate-600">Days before a certificate&apos;s notAfter at which its organisation is reminded (once per certificate and threshold; not after a renewal or a revocation).</p>
        <div className="grid gap-3">
          {policies.map((p) => (
            <ReminderDaysForm key={p.environment} environment={p.environment} days={p.days} />
          ))}
        </div>
      </Card>
    </div>
  );
}
