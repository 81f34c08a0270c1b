import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { formatDay, formatTime } from "@/components/ui/format";
import { AllowlistRequestForm, RequestRemovalButton } from "@/components/partner/allowlist-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listAllowlistEntries, listAllowlistRequests } from "@/lib/services/allowlist/allowlist-requests";

export const dynamic = "force-dynamic";

export default async function PartnerAllowlistPage() {
  const actor = await requirePageActor("area:partner", "/partner/allowlist");
  const [envs, entries, requests] = await Promise.all([listEnvironments(actor), listAllowlistEntries(actor), listAllowlistRequests(actor)]);
  const pendingRemoval = new Set(requests.filter((r) => r.status === "pending" && r.kind === "remove").flatMap((r) => r.entries.map((e) => e.entryId)));
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="The source IP addresses your systems connect from, per environment. Officers approve every change.">IP allowlist</PageTitle>
      {envs.map((env) => {
        const envEntries = entries.filter((e) => e.environment === env.code);
        const envRequests = requests.filter((r) => r.environment === env.code);
        return (
          <Card key={env.code} title={`${env.code} · ${env.name}${env.production ? " (production)" : ""}`}>
            <div className="grid gap-6 lg:grid-cols-2">
              <section className="grid content-start gap-2">
                <h3 className="text-sm font-semibold text-slate-700">Approved entries</h3>
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
              <h3 className="text-sm font-semibold text-slate-700">Your requests</h3>
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
