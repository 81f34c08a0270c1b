import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { StatusBadge } from "@/components/ui/badge";
import { Mono } from "@/components/ui/details";
import { colonHex, formatDay, formatTime } from "@/components/ui/format";
import { CaDownloads } from "@/components/partner/ca-downloads";
import { requirePageActor } from "@/lib/auth/web-actor";
import { getMyOrganisation } from "@/lib/services/organisations/get-my-organisation";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listCertificateRequests } from "@/lib/services/requests/read-requests";
import { listCertificates } from "@/lib/services/certificates/read-certificates";
import { listAllowlistEntries } from "@/lib/services/allowlist/allowlist-requests";
import { getEnvironmentCaChain } from "@/lib/services/ca/ca-chain";
import { orNull } from "./_shared/page-data";

export const dynamic = "force-dynamic";

const link = "text-sky-800 underline";

export default async function PartnerHome() {
  const actor = await requirePageActor("area:partner", "/partner");
  const [org, envs, pending, certificates, allowlist] = await Promise.all([
    getMyOrganisation(actor),
    listEnvironments(actor),
    listCertificateRequests(actor, { status: "pending" }),
    listCertificates(actor),
    listAllowlistEntries(actor),
  ]);
  const cas = await Promise.all(envs.map((e) => orNull(getEnvironmentCaChain(e.code))));
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={`${org.legalName} · certificate notices go to ${org.groupEmail}`}>{org.code}</PageTitle>
      <div className="flex flex-wrap gap-3 text-sm">
        <Link href="/partner/requests/new" className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700">
          Request a certificate
        </Link>
        <Link href="/partner/allowlist" className="rounded border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100">
          Request allowlist entries
        </Link>
      </div>
      {envs.map((env, i) => {
        const envPending = pending.filter((r) => r.environment === env.code);
        const envCerts = certificates.filter((c) => c.environment === env.code);
        const envAllow = allowlist.filter((a) => a.environment === env.code);
        return (
          <Card
            key={env.code}
            title={`${env.code} · ${env.name}${env.production ? " (production)" : ""}`}
            actions={
              <Link href={`/partner/requests/new?env=${env.code}`} className={`${link} text-sm`}>
                New certificate for {env.code}
              </Link>
            }
          >
            <div className="grid gap-5" data-testid={`env-${env.code}`}>
              <p className="text-sm text-slate-600">
                {env.approvalsRequired === 1 ? "One officer approves" : `${env.approvalsRequired} different officers approve`} each request in {env.code}.
              </p>
              <section className="grid gap-2">
                <h3 className="text-sm font-semibold text-slate-700">Provider CA chain (trust this for the gateway&apos;s server certificate)</h3>
                {cas[i] ? <CaDownloads env={env.code} /> : <Empty>{env.code} has no CA yet.</Empty>}
              </section>
              <section className="grid gap-2">
                <h3 className="text-sm font-semibold text-slate-700">Open requests</h3>
                {envPending.length ? (
                  <Table
                    label={`${env.code} open requests`}
                    head={["Submitted", "Subject", "Approvals", "Status"]}
                    rows={envPending.map((r) => [
                      formatTime(r.submittedAt),
                      <Link key="s" className={`${link} break-all`} href={`/partner/requests/${r.id}`}>
                        {r.subject}
                      </Link>,
                      `${r.approvals.length} of ${r.approvalsRequired}`,
                      <StatusBadge key="st" status={r.status} />,
                    ])}
                  />
                ) : (
                  <Empty>No open requests.</Empty>
                )}
              </section>
              <section className="grid gap-2">
                <h3 className="text-sm font-semibold text-slate-700">Certificates</h3>
                {envCerts.length ? (
                  <Table
                    label={`${env.code} certificates`}
                    head={["Serial", "Subject", "Expires", "Status"]}
                    rows={envCerts.map((c) => [
                      <Link key="l" className={link} href={`/partner/certificates/${c.id}`}>
                        <Mono>{colonHex(c.serial).slice(0, 17)}…</Mono>
                      </Link>,
                      <span key="s" className="break-all">{c.subject}</span>,
                      formatDay(c.notAfter),
                      <StatusBadge key="st" status={c.status} />,
                    ])}
                  />
                ) : (
                  <Empty>No certificates yet.</Empty>
                )}
              </section>
              <section className="grid gap-2">
                <h3 className="text-sm font-semibold text-slate-700">Approved source IPs</h3>
                {envAllow.length ? (
                  <ul className="flex flex-wrap gap-2 text-sm" aria-label={`${env.code} approved allowlist`}>
                    {envAllow.map((a) => (
                      <li key={a.id}>
                        <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{a.cidr}</code>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <Empty>
                    None approved yet. <Link className={link} href="/partner/allowlist">Request entries</Link>.
                  </Empty>
                )}
              </section>
            </div>
          </Card>
        );
      })}
      {envs.length === 0 ? <Empty>No environments are set up yet.</Empty> : null}
    </div>
  );
}
