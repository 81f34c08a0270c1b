import Link from "next/link";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Empty } from "@/components/ui/card";
import { Notice } from "@/components/ui/details";
import { formatTime } from "@/components/ui/format";
import { DecisionPanel } from "@/components/officer/decision-panel";
import type { AllowlistReview as Review } from "@/lib/services/review/review-allowlist";

/** One allowlist request: entries with their warnings, overlaps with other organisations, current entries, and the decision forms. */
export function AllowlistReview({ review, officerId, linkTitle = true }: { review: Review; officerId: string; linkTitle?: boolean }) {
  const r = review.request;
  const title = `${r.kind === "add" ? "Add to" : "Remove from"} ${r.environment} · ${r.organisation}`;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label={`Allowlist request ${r.id}`} data-testid={`allowlist-request-${r.id}`}>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 className="text-lg font-semibold">{linkTitle ? <Link href={`/officer/allowlist/${r.id}`} className="hover:underline">{title}</Link> : title}</h2>
        <StatusBadge status={r.status} />
        {r.production ? <Badge tone="info">production</Badge> : null}
      </div>
      <p className="mb-3 text-sm text-slate-600">
        {r.organisationName} · submitted {formatTime(r.submittedAt)}
        {r.submittedBy ? ` by ${r.submittedBy}` : ""}
        {r.note ? <span className="block text-slate-800">Note: “{r.note}”</span> : null}
      </p>
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <div className="grid content-start gap-4">
          <ul className="grid gap-2" aria-label="Entries">
            {r.entries.map((e) => {
              const overlaps = review.overlaps.filter((o) => o.cidr === e.cidr);
              return (
                <li key={e.cidr} className="rounded border border-slate-200 p-2 text-sm">
                  <code className="font-mono">{e.cidr}</code>
                  {r.kind === "add" && e.input !== e.cidr ? <span className="ml-2 text-xs text-slate-500">(entered as {e.input})</span> : null}
                  {!e.warnings.length && !overlaps.length ? (
                    <span className="ml-2">
                      <Badge tone="good">no warnings</Badge>
                    </span>
                  ) : null}
                  {e.warnings.map((w) => (
                    <span key={w.code} className="mt-1 flex items-start gap-2">
                      <Badge tone="warn">warn</Badge>
                      <span>{w.message}</span>
                    </span>
                  ))}
                  {overlaps.map((o) => (
                    <span key={`${o.organisation}-${o.overlaps}`} className="mt-1 flex items-start gap-2" data-testid="cross-org-overlap">
                      <Badge tone="bad">overlap</Badge>
                      <span>
                        Overlaps {o.overlaps}, approved for <strong>{o.organisation}</strong>.
                      </span>
                    </span>
                  ))}
                </li>
              );
            })}
          </ul>
          {review.overlaps.length ? <Notice tone="bad">Entries overlap another organisation&apos;s approved addresses: traffic from them could be attributed to either partner.</Notice> : null}
          <div>
            <h3 className="mb-1 text-sm font-semibold text-slate-700">
              {r.organisation}&apos;s current {r.environment} allowlist
            </h3>
            {review.current.length ? (
              <p className="text-sm">
                {review.current.map((c) => (
                  <code key={c.id} className="mr-2 font-mono">
                    {c.cidr}
                  </code>
                ))}
              </p>
            ) : (
              <Empty>No approved entries yet.</Empty>
            )}
          </div>
        </div>
        <DecisionPanel
          kind="allowlist"
          id={r.id}
          status={r.status}
          approvals={r.approvals.map((a) => ({ officer: a.officer, email: a.email, comment: a.comment, at: formatTime(a.at) }))}
          approvalsRequired={r.approvalsRequired}
          approvedByMe={r.approvals.some((a) => a.officerId === officerId)}
          submittedByMe={r.submittedById === officerId}
          rejectionReason={r.rejectionReason}
        />
      </div>
    </section>
  );
}
