import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Mono } from "@/components/ui/details";
import { formatDay } from "@/components/ui/format";
import { ExchangeTable } from "@/components/exchange/exchange-table";
import { ProviderCertificateDecision, ServerChainDecision } from "@/components/exchange/server-chain-forms";
import { listProviderCertificateRequestsPage } from "@/lib/services/provider/issue-provider-certificate";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { getExchangeOverview, getOrgExchange } from "@/lib/services/exchange/get-exchange";
import { listServerChainsPage } from "@/lib/services/server-chains/read-server-chains";
import { EndpointDecision } from "@/components/exchange/endpoint-forms";
import { ProbeResults } from "@/components/exchange/probe-results";
import { listEndpointsPage } from "@/lib/services/endpoints/read-endpoints";
import { listProbesPage } from "@/lib/services/endpoints/run-probe";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const link = "text-sky-800 underline";
const PAGE = 50;

export default async function OfficerExchangePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:officer", "/officer/exchange");
  const sp = await searchParams;
  const envs = await listEnvironments(actor);
  const env = envs.find((e) => e.code === one(sp.env)?.toUpperCase()) ?? envs[0];
  if (!env) return <Empty>No environments are configured yet.</Empty>;
  const orgCode = one(sp.org);
  // Each list one page at a time (keyset); a list's links keep the environment, the partner and the other lists' places.
  const here = Object.fromEntries(Object.keys(sp).map((k) => [k, one(sp[k]) ?? ""]));
  const at = { chains: cursorParams(sp, "chains"), providerRequests: cursorParams(sp, "providerRequests"), endpoints: cursorParams(sp, "endpoints"), probes: cursorParams(sp, "probes") };
  const [overview, chainPage, detail, providerPage] = await Promise.all([
    getExchangeOverview(actor, env.code),
    orFirstPage(at.chains, (c) => listServerChainsPage(actor, { environment: env.code, status: "pending", limit: PAGE, ...c })),
    orgCode ? getOrgExchange(actor, env.code, orgCode) : Promise.resolve(null),
    orFirstPage(at.providerRequests, (c) => listProviderCertificateRequestsPage(actor, env.code, { status: "pending", limit: PAGE, ...c })),
  ]);
  const pending = chainPage.chains;
  // Only the waiting requests are paged (newest first), so none hides behind decided ones.
  const waiting = providerPage.requests;
  const providerPaged = isPaged(at.providerRequests) || !!providerPage.nextCursor;
  // Endpoint registry and readiness probe (issue 18, items 5–6)
  const [endpointPage, probePage] = await Promise.all([
    orFirstPage(at.endpoints, (c) => listEndpointsPage(actor, { environment: env.code, status: "new", limit: PAGE, ...c })),
    orgCode ? orFirstPage(at.probes, (c) => listProbesPage(actor, env.code, { organisation: orgCode, limit: PAGE, ...c })) : Promise.resolve(null),
  ]);
  const newEndpoints = endpointPage.endpoints;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Every partner's two-way exchange: what waits on the provider, what waits on the partner, and what expires within 30 days.">Exchange</PageTitle>
      <nav aria-label="Environment" className="flex flex-wrap gap-2">
        {envs.map((e) => (
          <Link key={e.code} href={`/officer/exchange?env=${e.code}`} aria-current={e.code === env.code ? "page" : undefined} className={`rounded border px-3 py-1 text-sm ${e.code === env.code ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 text-slate-700"}`}>
            {e.code}
          </Link>
        ))}
      </nav>
      <Card title={`Server CA chains to endorse in ${env.code}`} actions={<Pager params={here} prefix="chains" nextCursor={chainPage.nextCursor} prevCursor={chainPage.prevCursor} paged={isPaged(at.chains)} label="Server chain pages" />}>
        {pending.length ? (
          <div className="grid gap-6">
            {pending.map((c) => (
              <div key={c.id} className="grid gap-2 border-b border-slate-200 pb-4">
                <p className="text-sm">
                  <strong>{c.organisation}</strong>, uploaded {formatDay(c.submittedAt)}; {c.approvals.length} of {c.approvalsRequired} endorsements. Root SHA-256 <Mono>{c.rootFingerprint}</Mono> — confirm it with the partner out of band.
                </p>
                <Table
                  label={`Chain of ${c.organisation}`}
                  head={["Role", "Subject", "Key", "Expires"]}
                  rows={c.certificates.map((x) => [x.role, <Mono key="s">{x.subject}</Mono>, x.key, formatDay(new Date(x.notAfter))])}
                />
                <ul className="text-xs text-slate-600">
                  {c.findings.map((f) => (
                    <li key={f.code + f.message}>
                      {f.result}: {f.message}
                    </li>
                  ))}
                </ul>
                <ServerChainDecision id={c.id} />
              </div>
            ))}
          </div>
        ) : (
          <Empty>Nothing waits for endorsement.</Empty>
        )}
      </Card>
      {waiting.length || providerPaged ? (
        <Card
          title={`Provider client certificates to approve in ${env.code}`}
          actions={<Pager params={here} prefix="providerRequests" nextCursor={providerPage.nextCursor} prevCursor={providerPage.prevCursor} paged={isPaged(at.providerRequests)} label="Provider certificate request pages" />}
        >
          <div className="grid gap-6">
            {waiting.length ? null : <Empty>No request waits for approval.</Empty>}
            {waiting.map((r) => (
              <div key={r.id} className="grid gap-2 border-b border-slate-200 pb-4">
                <p className="text-sm">
                  <Mono>{r.subject}</Mono> ({r.keySource === "keyport" ? "key generated by Keyport" : "key on the gateway"}), asked {formatDay(r.createdAt)}; {r.approvals} of {r.approvalsRequired} approvals.
                </p>
                <ProviderCertificateDecision id={r.id} />
              </div>
            ))}
          </div>
        </Card>
      ) : null}
      <Card title={`Endpoints to confirm in ${env.code}`} actions={<Pager params={here} prefix="endpoints" nextCursor={endpointPage.nextCursor} prevCursor={endpointPage.prevCursor} paged={isPaged(at.endpoints)} label="Endpoint pages" />}>
        <div className="grid gap-4">
          {newEndpoints.length ? (
            newEndpoints.map((e) => (
              <div key={e.id} className="grid gap-2 border-b border-slate-200 pb-4">
                <p className="text-sm">
                  <strong>{e.organisation}</strong>: {e.kind === "callback_url" ? "callback URL" : "ingress range"} <Mono>{e.value}</Mono>, registered {formatDay(e.submittedAt)}; {e.approvals.length} of {e.approvalsRequired} confirmations.
                  {e.note ? ` Note: ${e.note}` : ""}
                </p>
                {e.findings.length ? (
                  <ul className="text-xs text-slate-600">
                    {e.findings.map((f) => (
                      <li key={f.code + f.message}>
                        {f.result}: {f.message}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <EndpointDecision id={e.id} />
              </div>
            ))
          ) : (
            <Empty>No endpoint waits for confirmation.</Empty>
          )}
          <p className="text-sm">
            Confirmed registry for gateways and firewalls:{" "}
            {(["json", "csv", "nginx"] as const).map((f) => (
              <a key={f} className={`${link} mr-3`} href={`/officer/exchange/endpoints/export?environment=${env.code}&format=${f}`} download>
                {f.toUpperCase()}
              </a>
            ))}
          </p>
        </div>
      </Card>
      <Card title={`Partners in ${env.code}`}>
        <Table
          label="Exchange overview"
          head={["Partner", "Waiting on the provider", "Waiting on the partner", "Expires within 30 days"]}
          rows={overview.organisations.map((o) => [
            <Link key="o" className={link} href={`/officer/exchange?env=${env.code}&org=${encodeURIComponent(o.organisation)}`}>
              {o.organisation}
            </Link>,
            o.waitingOnProvider.join(", ") || "—",
            o.waitingOnPartner.join(", ") || "—",
            o.expiringSoon.map((x) => `${x.kind} ${formatDay(x.expires)}`).join(", ") || "—",
          ])}
        />
      </Card>
      {detail ? (
        <Card title={`${detail.organisation} × ${detail.environment}`}>
          <ExchangeTable items={detail.items} />
        </Card>
      ) : null}
      {detail ? (
        <Card
          title={`Readiness probe results of ${detail.organisation}`}
          actions={probePage ? <Pager params={here} prefix="probes" nextCursor={probePage.nextCursor} prevCursor={probePage.prevCursor} paged={isPaged(at.probes)} label="Probe result pages" /> : null}
        >
          <ProbeResults probes={probePage?.probes ?? []} />
        </Card>
      ) : null}
    </div>
  );
}
