import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { StatusBadge } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listCertificateRequestsPage } from "@/lib/services/requests/read-requests";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

const PAGE = 50;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PartnerRequestsPage({ searchParams }: Props) {
  const actor = await requirePageActor("area:partner", "/partner/requests");
  const at = cursorParams(await searchParams);
  // One page at a time, newest first (keyset: page n costs what page 1 does).
  const { requests, nextCursor, prevCursor } = await orFirstPage(at, (c) => listCertificateRequestsPage(actor, { limit: PAGE, ...c }));
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Every certificate request of your organisation, newest first.">Certificate requests</PageTitle>
      <Card
        title="Requests"
        actions={
          <span className="flex gap-6">
            <Pager params={{}} nextCursor={nextCursor} prevCursor={prevCursor} paged={isPaged(at)} label="Request pages" />
            <Link href="/partner/requests/new" className="text-sm text-sky-800 underline">
              New request
            </Link>
          </span>
        }
      >
        {requests.length ? (
          <Table
            label="Certificate requests"
            head={["Submitted", "Environment", "Subject", "Approvals", "Status"]}
            rows={requests.map((r) => [
              formatTime(r.submittedAt),
              r.environment,
              <Link key="s" className="break-all text-sky-800 underline" href={`/partner/requests/${r.id}`}>
                {r.subject}
              </Link>,
              `${r.approvals.length} of ${r.approvalsRequired}`,
              <StatusBadge key="st" status={r.status} />,
            ])}
          />
        ) : (
          <Empty>
            No requests yet. <Link className="text-sky-800 underline" href="/partner/requests/new">Request your first certificate</Link>.
          </Empty>
        )}
      </Card>
    </div>
  );
}
