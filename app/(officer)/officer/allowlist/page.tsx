import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { formatTime } from "@/components/ui/format";
import { AllowlistReview } from "@/components/officer/allowlist-review";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listAllowlistEntries } from "@/lib/services/allowlist/allowlist-requests";
import { listAllowlistReviews } from "@/lib/services/review/review-allowlist";

export const dynamic = "force-dynamic";

// Decided requests stay listed this long, so a decision's outcome stays on screen.
const RECENT_MINUTES = 60;

const FORMATS = [
  { format: "nginx", label: "nginx" },
  { format: "txt", label: "Text" },
  { format: "json", label: "JSON" },
] as const;

export default async function AllowlistPage() {
  const actor = await requirePageActor("area:officer", "/officer/allowlist");
  const [reviews, envs, entries] = await Promise.all([listAllowlistReviews(actor, { recentMinutes: RECENT_MINUTES }), listEnvironments(actor), listAllowlistEntries(actor)]);
  const waiting = reviews.filter((r) => r.request.status === "pending").length;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Partners' source IPs: review requests, then export each environment's approved list for the gateways.">IP allowlist</PageTitle>
      <div className="grid gap-4">
        <h2 className="text-lg font-semibold">
          Pending requests ({waiting}){reviews.length > waiting ? `, and ${reviews.length - waiting} decided in the last hour` : ""}
        </h2>
        {reviews.length ? reviews.map((r) => <AllowlistReview key={r.request.id} review={r} officerId={actor.userId} />) : <Empty>No allowlist requests are waiting.</Empty>}
      </div>
      {envs.map((env) => {
        const rows = entries.filter((e) => e.environment === env.code);
        return (
          <Card
            key={env.code}
            title={`${env.code} allowlist (${rows.length})`}
            actions={
              <span className="flex gap-2 text-sm" aria-label={`${env.code} exports`}>
                Export:
                {FORMATS.map((f) => (
                  <a key={f.format} className="text-sky-800 underline" href={`/officer/allowlist/export?environment=${env.code}&format=${f.format}`} download>
                    {f.label}
                  </a>
                ))}
              </span>
            }
          >
            {rows.length ? (
              <Table
                label={`${env.code} allowlist`}
                head={["CIDR", "Organisation", "Note", "Approved"]}
                rows={rows.map((e) => [<code key="c" className="font-mono">{e.cidr}</code>, e.organisation, e.note || "—", formatTime(e.approvedAt)])}
              />
            ) : (
              <Empty>No approved entries in {env.code}.</Empty>
            )}
          </Card>
        );
      })}
    </div>
  );
}
