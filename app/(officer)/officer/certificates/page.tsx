import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Mono, Notice } from "@/components/ui/details";
import { colonHex, formatDay } from "@/components/ui/format";
import { CertificateSearch } from "@/components/officer/certificate-search";
import { requirePageActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { listOrganisations } from "@/lib/services/organisations/list-organisations";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listCertificates } from "@/lib/services/certificates/read-certificates";
import { param } from "../_shared/page-data";

export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function CertificatesPage({ searchParams }: Props) {
  const actor = await requirePageActor("area:officer", "/officer/certificates");
  const sp = await searchParams;
  const values = {
    q: param(sp, "q") ?? "",
    organisation: param(sp, "organisation") ?? "",
    environment: param(sp, "environment") ?? "",
    status: param(sp, "status") ?? "",
  };
  const [orgs, envs] = await Promise.all([listOrganisations(actor), listEnvironments(actor)]);
  let certificates: Awaited<ReturnType<typeof listCertificates>> = [];
  let problem: string | null = null;
  try {
    certificates = await listCertificates(actor, {
      q: values.q || undefined,
      organisation: values.organisation || undefined,
      environment: values.environment || undefined,
      status: (values.status || undefined) as "valid" | undefined,
      limit: 500,
    });
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== "validation_failed") throw e;
    problem = e.message;
  }
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Every certificate the provider's CAs issued: search, inspect, download, revoke.">Certificate inventory</PageTitle>
      <Card title="Search">
        <CertificateSearch
          values={values}
          environments={envs.map((e) => ({ value: e.code, label: e.code }))}
          organisations={orgs.map((o) => ({ value: o.code, label: `${o.code} · ${o.legalName}` }))}
        />
      </Card>
      {problem ? <Notice tone="bad">{problem}</Notice> : null}
      <Card title={`Certificates (${certificates.length}${certificates.length === 500 ? "+, narrow the search" : ""})`}>
        {certificates.length ? (
          <Table
            label="Certificates"
            head={["Serial", "Subject", "Organisation", "Environment", "Expires", "Status"]}
            rows={certificates.map((c) => [
              <Link key="s" href={`/officer/certificates/${c.id}`} className="text-sky-800 underline">
                <Mono>{colonHex(c.serial).slice(0, 23)}…</Mono>
              </Link>,
              <span key="subj" className="break-all">{c.subject}</span>,
              c.organisation ??
                (c.service ? (
                  <Badge key="svc" tone="info" title="Keyport's own certificate, renewed automatically; never counted as expiring">
                    {c.service}
                  </Badge>
                ) : (
                  "provider"
                )),
              c.environment,
              formatDay(c.notAfter),
              <StatusBadge key="st" status={c.status} />,
            ])}
          />
        ) : (
          <Empty>No certificates match.</Empty>
        )}
      </Card>
    </div>
  );
}
