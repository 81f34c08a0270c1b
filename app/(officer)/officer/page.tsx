import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { Notice } from "@/components/ui/details";
import { formatAge, formatTime } from "@/components/ui/format";
import { QueueFilters } from "@/components/officer/queue-filters";
import { requirePageActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { listOrganisationsPage, organisationChoices } from "@/lib/services/organisations/list-organisations";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listReviewQueue } from "@/lib/services/review/review-queue";
import { listAuditEvents } from "@/lib/services/audit/list-audit-events";
import { param } from "./_shared/page-data";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

/** Organisations per page of the home page's list (the admin area has the full list). */
const ORGANISATIONS_PAGE = 20;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ReviewQueuePage({ searchParams }: Props) {
  const actor = await requirePageActor("area:officer", "/officer");
  const sp = await searchParams;
  const filters = {
    environment: param(sp, "environment"),
    organisation: param(sp, "organisation"),
    type: param(sp, "type") as "all" | undefined,
    olderThanDays: param(sp, "olderThanDays"),
  };
  const queueAt = cursorParams(sp);
  const orgsAt = cursorParams(sp, "orgs");
  const [choices, orgPage, envs, events] = await Promise.all([
    organisationChoices(actor),
    orFirstPage(orgsAt, (c) => listOrganisationsPage(actor, { limit: ORGANISATIONS_PAGE, ...c })),
    listEnvironments(actor),
    listAuditEvents(actor, { take: 10 }),
  ]);
  const orgs = orgPage.organisations;
  let queue: Awaited<ReturnType<typeof listReviewQueue>> | null = null;
  let problem: string | null = null;
  try {
    // One page at a time, the longest-waiting first (keyset over both kinds of request).
    queue = await orFirstPage(queueAt, (c) => listReviewQueue(actor, { ...filters, ...c, limit: 100 }));
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== "validation_failed") throw e;
    const labels: Record<string, string> = { environment: "Environment", organisation: "Organisation", type: "Request type", olderThanDays: "Older than (days)", cursor: "Page" };
    problem = e.fields ? Object.entries(e.fields).map(([k, v]) => `${labels[k] ?? k}: ${v}`).join(" ") : e.message;
  }
  const me = actor.userId;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Pending certificate and allowlist requests of every partner, the longest-waiting first.">Review queue</PageTitle>
      <Card title="Filters">
        <QueueFilters
          values={filters}
          environments={envs.map((e) => ({ value: e.code, label: `${e.code} · ${e.name}` }))}
          organisations={choices && choices.map((o) => ({ value: o.code, label: `${o.code} · ${o.legalName}` }))}
        />
      </Card>
      {problem ? <Notice tone="bad">{problem}</Notice> : null}
      <Card
        title={`Pending requests${queue ? ` (${queue.prevCursor ? "further " : ""}${queue.items.length}${queue.nextCursor ? "+" : ""})` : ""}`}
        actions={<Pager params={filters} nextCursor={queue?.nextCursor ?? null} prevCursor={queue?.prevCursor ?? null} paged={isPaged(queueAt)} label="Queue pages" />}
      >
        {queue && queue.items.length ? (
          <Table
            label="Review queue"
            head={["Waiting", "Type", "Environment", "Organisation", "Request", "Approvals", "Checks"]}
            rows={queue.items.map((i) => [
              <span key="age" title={formatTime(i.submittedAt)}>
                {formatAge(i.submittedAt)}
              </span>,
              i.type === "certificate" ? "Certificate" : "IP allowlist",
              <span key="env">
                {i.environment} {i.production ? <Badge tone="info">production</Badge> : null}
              </span>,
              <span key="org" title={i.organisationName}>
                {i.organisation}
              </span>,
              <Link key="req" href={i.type === "certificate" ? `/officer/requests/${i.id}` : `/officer/allowlist/${i.id}`} className="break-all text-sky-800 underline">
                {i.summary}
              </Link>,
              <span key="appr">
                {i.approvals} of {i.approvalsRequired}
                {i.approvedBy.includes(me) ? (
                  <span className="ml-1">
                    <Badge tone="good">you approved</Badge>
                  </span>
                ) : null}
              </span>,
              <span key="checks" className="flex gap-1">
                {i.failures ? <Badge tone="bad">{i.failures} fail</Badge> : null}
                {i.warnings ? <Badge tone="warn">{i.warnings} warn</Badge> : null}
                {!i.failures && !i.warnings ? <Badge tone="good">all pass</Badge> : null}
              </span>,
            ])}
          />
        ) : (
          <Empty>{problem ? "Fix the filters to see the queue." : "Nothing is waiting for review."}</Empty>
        )}
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card
          title="Partner organisations"
          actions={
            <Pager
              params={{ ...filters, ...queueAt }}
              prefix="orgs"
              nextCursor={orgPage.nextCursor}
              prevCursor={orgPage.prevCursor}
              paged={isPaged(orgsAt)}
              label="Organisation pages"
            />
          }
        >
          {orgs.length ? (
            <Table label="Organisations" head={["Code", "Legal name", "Group email"]} rows={orgs.map((o) => [o.code, o.legalName, o.groupEmail])} />
          ) : (
            <Empty>No partner organisations yet.</Empty>
          )}
        </Card>
        <Card
          title="Recent activity"
          actions={
            <Link href="/officer/audit" className="text-sm underline">
              Audit trail
            </Link>
          }
        >
          <Table
            label="Audit events"
            head={["Time (UTC)", "Actor", "Action"]}
            rows={events.map((e) => [formatTime(e.at), e.actorEmail ?? "—", <code key="a" className="text-xs">{e.action}</code>])}
          />
        </Card>
      </div>
    </div>
  );
}
