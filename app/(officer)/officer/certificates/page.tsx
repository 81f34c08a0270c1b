import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Mono, Notice } from "@/components/ui/details";
import { colonHex, formatDay } from "@/components/ui/format";
import { CertificateSearch } from "@/components/officer/certificate-search";
import { requirePageActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { organisationChoices } from "@/lib/services/organisations/list-organisations";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listCertificatesPage } from "@/lib/services/certificates/read-certificates";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";
import { param } from "../_shared/page-data";

export const dynamic = "force-dynamic";

const PAGE = 100;

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
  const [orgs, envs] = await Promise.all([organisationChoices(actor), listEnvironments(actor)]);
  const at = cursorParams(sp);
  let page: Awaited<ReturnType<typeof listCertificatesPage>> = { certificates: [], nextCursor: null, prevCursor: null };
  let problem: string | null = null;
  try {
    // One page at a time (keyset: page n costs what page 1 does); a cursor the list refuses shows
    // the first page, a search it refuses (a bad status, a short query) a notice beside the form.
    page = await orFirstPage(at, (c) =>
      listCertificatesPage(actor, {
        q: values.q || undefined,
        organisation: values.organisation || undefined,
        environment: values.environment || undefined,
        status: (values.status || undefined) as "valid" | undefined,
        limit: PAGE,
        ...c,
      }),
    );
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== "validation_failed") throw e;
    problem = e.message;
  }
  const { certificates, nextCursor, prevCursor } = page;
  const paged = isPaged(at);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Every certificate the provider's CAs issued: search, inspect, download, revoke.">Certificate inventory</PageTitle>
      <Card title="Search">
        <CertificateSearch
          values={values}
          environments={envs.map((e) => ({ value: e.code, label: e.code }))}
          organisations={orgs && orgs.map((o) => ({ value: o.code, label: `${o.code} · ${o.legalName}` }))}
        />
      </Card>
      {problem ? <Notice tone="bad">{problem}</Notice> : null}
      <Card
        title={`Certificates (${paged ? "further " : ""}${certificates.length}${nextCursor ? "+" : ""})`}
        actions={<Pager params={values} nextCursor={nextCursor} prevCursor={prevCursor} paged={paged} label="Certificate pages" />}
      >
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
