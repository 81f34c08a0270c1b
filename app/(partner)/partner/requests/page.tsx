import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { StatusBadge } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listCertificateRequests } from "@/lib/services/requests/read-requests";

export const dynamic = "force-dynamic";

export default async function PartnerRequestsPage() {
  const actor = await requirePageActor("area:partner", "/partner/requests");
  const requests = await listCertificateRequests(actor);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Every certificate request of your organisation, newest first.">Certificate requests</PageTitle>
      <Card
        title="Requests"
        actions={
          <Link href="/partner/requests/new" className="text-sm text-sky-800 underline">
            New request
          </Link>
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
