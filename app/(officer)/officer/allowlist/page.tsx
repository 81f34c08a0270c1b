import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { formatTime } from "@/components/ui/format";
import { AllowlistReview } from "@/components/officer/allowlist-review";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listAllowlistEntriesPage } from "@/lib/services/allowlist/allowlist-requests";
import { listAllowlistReviewsPage } from "@/lib/services/review/review-allowlist";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

// Decided requests stay listed this long, so a decision's outcome stays on screen.
const RECENT_MINUTES = 60;
const REVIEWS_PAGE = 50;
const ENTRIES_PAGE = 200;

const FORMATS = [
  { format: "nginx", label: "nginx" },
  { format: "txt", label: "Text" },
  { format: "json", label: "JSON" },
] as const;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export default async function AllowlistPage({ searchParams }: Props) {
  const actor = await requirePageActor("area:officer", "/officer/allowlist");
  const sp = await searchParams;
  // Each list one page at a time (keyset): the requests, and each environment's entries; a list's links keep the others' places.
  const here = Object.fromEntries(Object.keys(sp).map((k) => [k, first(sp[k])]));
  const atReviews = cursorParams(sp, "requests");
  const [reviewPage, envs] = await Promise.all([
    orFirstPage(atReviews, (c) => listAllowlistReviewsPage(actor, { recentMinutes: RECENT_MINUTES, limit: REVIEWS_PAGE, ...c })),
    listEnvironments(actor),
  ]);
  const entryPages = await Promise.all(
    envs.map(async (env) => {
      const at = cursorParams(sp, `entries${env.code}`);
      return { at, page: await orFirstPage(at, (c) => listAllowlistEntriesPage(actor, { environment: env.code, limit: ENTRIES_PAGE, ...c })) };
    }),
  );
  const reviews = reviewPage.reviews;
  const waiting = reviews.filter((r) => r.request.status === "pending").length;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Partners' source IPs: review requests, then export each environment's approved list for the gateways.">IP allowlist</PageTitle>
      <div className="grid gap-4">
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h2 className="text-lg font-semibold">
            Pending requests ({waiting}
            {reviewPage.nextCursor ? "+" : ""}){reviews.length > waiting ? `, and ${reviews.length - waiting} decided in the last hour` : ""}
          </h2>
          <Pager params={here} prefix="requests" nextCursor={reviewPage.nextCursor} prevCursor={reviewPage.prevCursor} paged={isPaged(atReviews)} label="Allowlist request pages" />
        </div>
        {reviews.length ? reviews.map((r) => <AllowlistReview key={r.request.id} review={r} officerId={actor.userId} />) : <Empty>No allowlist requests are waiting.</Empty>}
      </div>
      {envs.map((env, i) => {
        const { at, page } = entryPages[i];
        const rows = page.entries;
        return (
          <Card
            key={env.code}
            title={`${env.code} allowlist (${isPaged(at) ? "further " : ""}${rows.length}${page.nextCursor ? "+" : ""})`}
            actions={
              <span className="flex gap-6">
                <Pager params={here} prefix={`entries${env.code}`} nextCursor={page.nextCursor} prevCursor={page.prevCursor} paged={isPaged(at)} label={`${env.code} allowlist pages`} />
                <span className="flex gap-2 text-sm" aria-label={`${env.code} exports`}>
                  Export:
                  {FORMATS.map((f) => (
                    <a key={f.format} className="text-sky-800 underline" href={`/officer/allowlist/export?environment=${env.code}&format=${f.format}`} download>
                      {f.label}
                    </a>
                  ))}
                </span>
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
