import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { formatDay, formatTime } from "@/components/ui/format";
import { AllowlistRequestForm, RequestRemovalButton } from "@/components/partner/allowlist-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listAllowlistEntriesPage, listAllowlistRequests, listAllowlistRequestsPage } from "@/lib/services/allowlist/allowlist-requests";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

const ENTRIES_PAGE = 100;
const REQUESTS_PAGE = 50;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export default async function PartnerAllowlistPage({ searchParams }: Props) {
  const actor = await requirePageActor("area:partner", "/partner/allowlist");
  const sp = await searchParams;
  // Each environment's entries and requests one page at a time (keyset); a list's links keep the others' places.
  const here = Object.fromEntries(Object.keys(sp).map((k) => [k, first(sp[k])]));
  const [envs, pending] = await Promise.all([listEnvironments(actor), listAllowlistRequests(actor, { status: "pending", limit: 500 })]);
  // Removal is asked once per entry, whichever page of requests shows the asking.
  const pendingRemoval = new Set(pending.filter((r) => r.kind === "remove").flatMap((r) => r.entries.map((e) => e.entryId)));
  const lists = await Promise.all(
    envs.map(async (env) => {
      const at = { entries: cursorParams(sp, `entries${env.code}`), requests: cursorParams(sp, `requests${env.code}`) };
      const [entries, requests] = await Promise.all([
        orFirstPage(at.entries, (c) => listAllowlistEntriesPage(actor, { environment: env.code, limit: ENTRIES_PAGE, ...c })),
        orFirstPage(at.requests, (c) => listAllowlistRequestsPage(actor, { environment: env.code, limit: REQUESTS_PAGE, ...c })),
      ]);
      return { at, entries, requests };
    }),
  );
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="The source IP addresses your systems connect from, per environment. Officers approve every change.">IP allowlist</PageTitle>
      {envs.map((env, i) => {
        const { at, entries, requests } = lists[i];
        const envEntries = entries.entries;
        const envRequests = requests.requests;
        return (
          <Card key={env.code} title={`${env.code} · ${env.name}${env.production ? " (production)" : ""}`}>
            <div className="grid gap-6 lg:grid-cols-2">
              <section className="grid content-start gap-2">
                <div className="flex flex-wrap items-baseline justify-between gap-3">
                  <h3 className="text-sm font-semibold text-slate-700">Approved entries</h3>
                  <Pager params={here} prefix={`entries${env.code}`} nextCursor={entries.nextCursor} prevCursor={entries.prevCursor} paged={isPaged(at.entries)} label={`${env.code} entry pages`} />
                </div>
                {envEntries.length ? (
                  <Table
                    label={`${env.code} approved entries`}
                    head={["Range", "Approved", "Note", ""]}
                    rows={envEntries.map((e) => [
                      <code key="c" className="text-xs">{e.cidr}</code>,
                      formatDay(e.approvedAt),
                      <span key="n" className="break-words">{e.note}</span>,
                      pendingRemoval.has(e.id) ? <Badge key="p" tone="warn">removal pending</Badge> : <RequestRemovalButton key="r" environment={env.code} entryId={e.id} cidr={e.cidr} />,
                    ])}
                  />
                ) : (
                  <Empty>No approved entries in {env.code}.</Empty>
                )}
              </section>
              <section className="grid content-start gap-2">
                <h3 className="text-sm font-semibold text-slate-700">Request new entries</h3>
                <AllowlistRequestForm environment={env.code} production={env.production} />
              </section>
            </div>
            <section className="mt-6 grid gap-2">
              <div className="flex flex-wrap items-baseline justify-between gap-3">
                <h3 className="text-sm font-semibold text-slate-700">Your requests</h3>
                <Pager params={here} prefix={`requests${env.code}`} nextCursor={requests.nextCursor} prevCursor={requests.prevCursor} paged={isPaged(at.requests)} label={`${env.code} request pages`} />
              </div>
              {envRequests.length ? (
                <Table
                  label={`${env.code} allowlist requests`}
                  head={["Submitted", "Change", "Entries", "Approvals", "Status"]}
                  rows={envRequests.map((r) => [
                    formatTime(r.submittedAt),
                    r.kind === "add" ? "add" : "remove",
                    <ul key="e" className="grid gap-0.5">
                      {r.entries.map((e) => (
                        <li key={e.cidr}>
                          <code className="text-xs">{e.cidr}</code>
                          {e.warnings.map((w) => (
                            <span key={w.code} className="block text-xs text-amber-800">
                              {w.message}
                            </span>
                          ))}
                        </li>
                      ))}
                      {r.note ? <li className="text-xs text-slate-500">Note: {r.note}</li> : null}
                    </ul>,
                    `${r.approvals.length} of ${r.approvalsRequired}`,
                    <span key="s" data-testid={`allowlist-request-status-${r.id}`}>
                      <StatusBadge status={r.status} />
                      {r.rejectionReason ? <span className="mt-1 block text-xs text-red-700">{r.rejectionReason}</span> : null}
                    </span>,
                  ])}
                />
              ) : (
                <Empty>No requests in {env.code} yet.</Empty>
              )}
            </section>
          </Card>
        );
      })}
    </div>
  );
}
