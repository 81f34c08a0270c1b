import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { StatusBadge } from "@/components/ui/badge";
import { Mono } from "@/components/ui/details";
import { colonHex, formatDay } from "@/components/ui/format";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listCertificates } from "@/lib/services/certificates/read-certificates";

export const dynamic = "force-dynamic";

export default async function PartnerCertificatesPage() {
  const actor = await requirePageActor("area:partner", "/partner/certificates");
  const certificates = await listCertificates(actor);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Your organisation's certificates, soonest expiry first.">Certificates</PageTitle>
      <Card title="Certificates">
        {certificates.length ? (
          <Table
            label="Certificates"
            head={["Serial", "Environment", "Subject", "Expires", "Status", ""]}
            rows={certificates.map((c) => [
              <Link key="l" className="text-sky-800 underline" href={`/partner/certificates/${c.id}`}>
                <Mono>{colonHex(c.serial).slice(0, 17)}…</Mono>
              </Link>,
              c.environment,
              <span key="s" className="break-all">{c.subject}</span>,
              formatDay(c.notAfter),
              <StatusBadge key="st" status={c.status} />,
              c.status === "valid" || c.status === "expiring" ? (
                <Link key="r" className="text-sky-800 underline" href={`/partner/requests/new?env=${c.environment}&profile=${c.profile}&renews=${c.id}`}>
                  Renew
                </Link>
              ) : (
                ""
              ),
            ])}
          />
        ) : (
          <Empty>
            No certificates yet. <Link className="text-sky-800 underline" href="/partner/requests/new">Request one</Link>.
          </Empty>
        )}
      </Card>
    </div>
  );
}
