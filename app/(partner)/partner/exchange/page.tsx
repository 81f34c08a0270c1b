import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { Mono } from "@/components/ui/details";
import { formatDay } from "@/components/ui/format";
import { ExchangeTable } from "@/components/exchange/exchange-table";
import { UploadServerChainForm } from "@/components/exchange/server-chain-forms";
import { UploadSignedCertificateForm } from "@/components/exchange/provider-forms";
import { listProviderCsrs, listProviderCsrsPage } from "@/lib/services/provider-csrs/read-provider-csrs";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { getOrgExchange } from "@/lib/services/exchange/get-exchange";
import { listServerChainsPage } from "@/lib/services/server-chains/read-server-chains";
import { getProviderServerChain } from "@/lib/services/provider/set-provider-server-chain";
import { param } from "../_shared/page-data";
import { EndpointRowActions, RegisterEndpointForm } from "@/components/exchange/endpoint-forms";
import { ProbeResults } from "@/components/exchange/probe-results";
import { listEndpointsPage } from "@/lib/services/endpoints/read-endpoints";
import { listProviderEndpoints } from "@/lib/services/endpoints/provider-endpoints";
import { listProbesPage } from "@/lib/services/endpoints/run-probe";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

const link = "text-sky-800 underline";
const PAGE = 50;

export default async function ExchangePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:partner", "/partner/exchange");
  const sp = await searchParams;
  const envs = await listEnvironments(actor);
  const env = envs.find((e) => e.code === param(sp, "env")?.toUpperCase()) ?? envs[0];
  if (!env) return <Empty>No environments are configured yet.</Empty>;
  // Each list one page at a time (keyset); a list's links keep the environment and the other lists' places.
  const here = Object.fromEntries(Object.keys(sp).map((k) => [k, param(sp, k) ?? ""]));
  const at = { chains: cursorParams(sp, "chains"), csrs: cursorParams(sp, "csrs"), endpoints: cursorParams(sp, "endpoints"), probes: cursorParams(sp, "probes") };
  const [exchange, chainPage, providerChain, csrPage, [signed]] = await Promise.all([
    getOrgExchange(actor, env.code),
    orFirstPage(at.chains, (c) => listServerChainsPage(actor, { environment: env.code, limit: PAGE, ...c })),
    getProviderServerChain(actor, env.code),
    orFirstPage(at.csrs, (c) => listProviderCsrsPage(actor, { environment: env.code, status: "awaiting_certificate", limit: PAGE, ...c })),
    listProviderCsrs(actor, { environment: env.code, status: "active", limit: 1 }),
  ]);
  const chains = chainPage.chains;
  const toSign = csrPage.csrs;
  const csrsPaged = isPaged(at.csrs) || !!csrPage.nextCursor;
  // Endpoint registry and readiness probe (issue 18, items 5–6)
  const [endpointPage, providerEndpoints, probePage] = await Promise.all([
    orFirstPage(at.endpoints, (c) => listEndpointsPage(actor, { environment: env.code, limit: PAGE, ...c })),
    listProviderEndpoints(actor, env.code),
    orFirstPage(at.probes, (c) => listProbesPage(actor, env.code, { limit: PAGE, ...c })),
  ]);
  const endpoints = endpointPage.endpoints;
  const caItem = exchange.items.find((i) => i.kind === "provider-client-ca");
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Both directions of mutual TLS with the provider in one place: what you give, what the provider gives, and who acts next.">Exchange</PageTitle>
      <nav aria-label="Environment" className="flex flex-wrap gap-2">
        {envs.map((e) => (
          <Link key={e.code} href={`/partner/exchange?env=${e.code}`} aria-current={e.code === env.code ? "page" : undefined} className={`rounded border px-3 py-1 text-sm ${e.code === env.code ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 text-slate-700"}`}>
            {e.code}
          </Link>
        ))}
      </nav>
      <Card title={`${exchange.organisation} × ${exchange.environment}`}>
        <ExchangeTable items={exchange.items} />
      </Card>
      <Card title="Provider client CA">
        {caItem?.state === "missing" ? (
          <Empty>The provider has not created its client CA for {env.code} yet.</Empty>
        ) : (
          <div className="grid gap-2 text-sm">
            <p>The provider calls your servers with client certificates from this CA. Trust it — and only it — for the provider&apos;s calls (no pinning: the provider&apos;s certificates rotate).</p>
            <ul className="flex gap-4" aria-label="Provider client CA downloads">
              {(["pem", "der", "p7b"] as const).map((f) => (
                <li key={f}>
                  <a className={link} href={`/api/v1/environments/${env.code}/provider-client-ca?format=${f}`} download>
                    {f.toUpperCase()}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        )}
      </Card>
      <Card title="Provider server chain">
        {providerChain ? (
          <div className="grid gap-2 text-sm">
            <p>The provider&apos;s endpoint ({providerChain.hosts.join(", ")}) presents this chain. Check the SHA-256 fingerprints before you trust it.</p>
            <Table label="Provider server chain" head={["Role", "Subject", "SHA-256", "Expires"]} rows={providerChain.certificates.map((c) => [c.role, <Mono key="s">{c.subject}</Mono>, <Mono key="f">{c.sha256Fingerprint}</Mono>, formatDay(new Date(c.notAfter))])} />
            <pre className="max-h-48 overflow-auto rounded bg-slate-100 p-2 text-xs" aria-label="Provider server chain PEM">{providerChain.pem}</pre>
          </div>
        ) : (
          <Empty>The provider has not published its server chain for {env.code} yet.</Empty>
        )}
      </Card>
      {toSign.length || signed || csrsPaged ? (
        <Card title="Provider CSR to sign with your CA" actions={<Pager params={here} prefix="csrs" nextCursor={csrPage.nextCursor} prevCursor={csrPage.prevCursor} paged={isPaged(at.csrs)} label="Provider CSR pages" />}>
          <div className="grid gap-4 text-sm">
            {toSign.map((c) => (
              <div key={c.id} className="grid gap-2" data-testid={`provider-csr-${c.id}`}>
                <p>
                  The provider asks your CA to sign its client CSR <Mono>{c.subject}</Mono>. Sign it with the CA of your endorsed server CA chain, keep the subject, include clientAuth in extendedKeyUsage, and make it valid for at least {c.minValidityDays} days.
                </p>
                <a className={link} href={`data:application/pkcs10;base64,${Buffer.from(c.csrPem).toString("base64")}`} download={`${exchange.organisation}-${env.code}-provider-client.csr`}>
                  Download the CSR (PEM)
                </a>
                <pre className="max-h-40 overflow-auto rounded bg-slate-100 p-2 text-xs" aria-label="Provider CSR PEM">{c.csrPem}</pre>
                <UploadSignedCertificateForm id={c.id} />
              </div>
            ))}
            {signed?.certificate ? (
              <p>
                In use: the certificate your CA signed (<Mono>{signed.certificate.sha256Fingerprint}</Mono>), valid until {formatDay(signed.certificate.notAfter)}.
              </p>
            ) : null}
          </div>
        </Card>
      ) : null}
      <Card title="Your endpoints" actions={<Pager params={here} prefix="endpoints" nextCursor={endpointPage.nextCursor} prevCursor={endpointPage.prevCursor} paged={isPaged(at.endpoints)} label="Endpoint pages" />}>
        <div className="grid gap-4">
          <p className="text-sm">The callback base URLs the provider calls, and the IP ranges its callbacks reach (your ingress). Your source IPs for calls to the provider stay on the IP allowlist. Officers confirm each entry; the readiness probe then calls a confirmed URL with the provider&apos;s client certificate and trusts only your endorsed server CA chain.</p>
          {endpoints.length ? (
            <Table
              label="Your endpoints"
              head={["Kind", "Value", "Status", "Note", "Last probe", ""]}
              rows={endpoints.map((e) => [
                e.kind === "callback_url" ? "callback URL" : "ingress range",
                <Mono key="v">{e.value}</Mono>,
                <Badge key="s" tone={e.status === "confirmed" ? "good" : e.status === "rejected" ? "bad" : "info"}>
                  {e.status}
                </Badge>,
                e.rejectionReason ?? (e.status === "new" ? `${e.approvals.length} of ${e.approvalsRequired} confirmations` : (e.note ?? "")),
                e.lastProbe ? `${e.lastProbe.outcome}${e.lastProbe.httpStatus ? ` ${e.lastProbe.httpStatus}` : ""}` : "—",
                <EndpointRowActions key="a" id={e.id} probe={e.kind === "callback_url" && e.status === "confirmed"} remove />,
              ])}
            />
          ) : (
            <Empty>No endpoints registered for {env.code} yet.</Empty>
          )}
          <RegisterEndpointForm environment={env.code} />
        </div>
      </Card>
      <Card title="Readiness probe results" actions={<Pager params={here} prefix="probes" nextCursor={probePage.nextCursor} prevCursor={probePage.prevCursor} paged={isPaged(at.probes)} label="Probe result pages" />}>
        <ProbeResults probes={probePage.probes} />
      </Card>
      <Card title="Provider endpoints">
        {providerEndpoints.length ? (
          <Table label="Provider endpoints" head={["Kind", "Value", "Note"]} rows={providerEndpoints.map((e) => [e.kind === "egress_cidr" ? "provider egress range (allow it)" : "provider ingress URL", <Mono key="v">{e.value}</Mono>, e.note ?? ""])} />
        ) : (
          <Empty>The provider has not published its egress ranges and ingress URLs for {env.code} yet.</Empty>
        )}
      </Card>
      <Card title="Your server CA chain" actions={<Pager params={here} prefix="chains" nextCursor={chainPage.nextCursor} prevCursor={chainPage.prevCursor} paged={isPaged(at.chains)} label="Server chain pages" />}>
        <div className="grid gap-4">
          {chains.length ? (
            <Table
              label="Your server CA chains"
              head={["Uploaded", "Status", "Root", "Expires", "Note"]}
              rows={chains.map((c) => [
                formatDay(c.submittedAt),
                <Badge key="s" tone={c.status === "endorsed" ? "good" : c.status === "rejected" ? "bad" : c.status === "pending" ? "info" : "neutral"}>
                  {c.status}
                </Badge>,
                <Mono key="r">{c.certificates.find((x) => x.role === "root")?.subject ?? ""}</Mono>,
                formatDay(c.notAfter),
                c.rejectionReason ?? (c.status === "pending" ? `${c.approvals.length} of ${c.approvalsRequired} endorsements` : ""),
              ])}
            />
          ) : (
            <Empty>No chain uploaded for {env.code} yet.</Empty>
          )}
          <UploadServerChainForm environment={env.code} />
        </div>
      </Card>
    </div>
  );
}
