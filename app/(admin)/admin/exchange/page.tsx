import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { Mono } from "@/components/ui/details";
import { formatDay } from "@/components/ui/format";
import { CancelProviderCsrButton, CreateProviderCsrForm, InitProviderClientCaForm, IssueProviderCertificateForm, SetProviderServerChainForm } from "@/components/exchange/provider-forms";
import { listProviderCertificateRequestsPage } from "@/lib/services/provider/issue-provider-certificate";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { getProviderClientCa } from "@/lib/services/provider/provider-client-ca-file";
import { organisationChoices } from "@/lib/services/organisations/list-organisations";
import { listProviderCsrsPage } from "@/lib/services/provider-csrs/read-provider-csrs";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";
import { getProviderServerChain } from "@/lib/services/provider/set-provider-server-chain";

export const dynamic = "force-dynamic";

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const PAGE = 50;

/** The provider's side of the exchange, per environment: its client CA, its server chain, and CSRs for partners' CAs to sign. */
export default async function AdminExchangePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:admin", "/admin/exchange");
  const sp = await searchParams;
  const envs = await listEnvironments(actor);
  const env = envs.find((e) => e.code === one(sp.env)?.toUpperCase()) ?? envs[0];
  if (!env) return <Empty>Create an environment first.</Empty>;
  // Each list one page at a time (keyset); a list's links keep the environment and the other list's place.
  const here = Object.fromEntries(Object.keys(sp).map((k) => [k, one(sp[k]) ?? ""]));
  const at = { requests: cursorParams(sp, "requests"), csrs: cursorParams(sp, "csrs") };
  const [caMissing, serverChain, csrPage, orgs, requestPage] = await Promise.all([
    getProviderClientCa(env.code).then(
      () => false,
      () => true,
    ),
    getProviderServerChain(actor, env.code),
    orFirstPage(at.csrs, (c) => listProviderCsrsPage(actor, { environment: env.code, limit: PAGE, ...c })),
    organisationChoices(actor),
    orFirstPage(at.requests, (c) => listProviderCertificateRequestsPage(actor, env.code, { limit: PAGE, ...c })),
  ]);
  const csrs = csrPage.csrs;
  const requests = requestPage.requests;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="What the provider gives its partners: the provider client CA, the provider endpoint's server chain, and CSRs for partners' CAs to sign.">Exchange (provider side)</PageTitle>
      <nav aria-label="Environment" className="flex flex-wrap gap-2">
        {envs.map((e) => (
          <Link key={e.code} href={`/admin/exchange?env=${e.code}`} aria-current={e.code === env.code ? "page" : undefined} className={`rounded border px-3 py-1 text-sm ${e.code === env.code ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 text-slate-700"}`}>
            {e.code}
          </Link>
        ))}
      </nav>
      <Card title="Provider client CA">
        {caMissing ? (
          <div className="grid gap-2 text-sm">
            <p>Partners&apos; servers trust this CA (and only it) for the provider&apos;s outbound calls. It is apart from the CA that signs partners&apos; certificates.</p>
            <InitProviderClientCaForm environment={env.code} />
          </div>
        ) : (
          <p className="text-sm">
            Created. Partners download it from their exchange pages and <Mono>/api/v1/environments/{env.code}/provider-client-ca</Mono>.
          </p>
        )}
      </Card>
      <Card title="Provider client certificates" actions={<Pager params={here} prefix="requests" nextCursor={requestPage.nextCursor} prevCursor={requestPage.prevCursor} paged={isPaged(at.requests)} label="Provider certificate request pages" />}>
        <div className="grid gap-3">
          {requests.length ? (
            <Table
              label="Provider client certificate requests"
              head={["Asked", "Subject", "Status", "Approvals"]}
              rows={requests.map((r) => [formatDay(r.createdAt), <Mono key="s">{r.subject}</Mono>, r.status, `${r.approvals} of ${r.approvalsRequired}`])}
            />
          ) : null}
          {caMissing ? <Empty>Create the provider client CA first.</Empty> : <IssueProviderCertificateForm environment={env.code} />}
        </div>
      </Card>
      <Card title="Provider server chain">
        <div className="grid gap-3">
          {serverChain ? (
            <Table label="Provider server chain" head={["Role", "Subject", "SHA-256", "Expires"]} rows={serverChain.certificates.map((c) => [c.role, <Mono key="s">{c.subject}</Mono>, <Mono key="f">{c.sha256Fingerprint}</Mono>, formatDay(new Date(c.notAfter))])} />
          ) : (
            <Empty>Not published for {env.code} yet.</Empty>
          )}
          <SetProviderServerChainForm environment={env.code} />
        </div>
      </Card>
      <Card title="Provider CSRs signed by partners' CAs" actions={<Pager params={here} prefix="csrs" nextCursor={csrPage.nextCursor} prevCursor={csrPage.prevCursor} paged={isPaged(at.csrs)} label="Provider CSR pages" />}>
        <div className="grid gap-4">
          {csrs.length ? (
            <Table
              label="Provider CSRs"
              head={["Partner", "Subject", "Key", "Status", "Certificate expires", ""]}
              rows={csrs.map((c) => [
                c.organisation,
                <Mono key="s">{c.subject}</Mono>,
                c.keySource === "keyport" ? (c.keyDownloaded ? "Keyport (downloaded, erased)" : "Keyport (sealed)") : "gateway",
                <Badge key="st" tone={c.status === "active" ? "good" : c.status === "awaiting_certificate" ? "info" : "neutral"}>
                  {c.status.replace("_", " ")}
                </Badge>,
                formatDay(c.certificate?.notAfter ?? null),
                c.status === "awaiting_certificate" ? <CancelProviderCsrButton key="c" id={c.id} /> : c.keySource === "keyport" && c.status === "active" && !c.keyDownloaded ? <Mono key="k">provider csr key download --id {c.id}</Mono> : "",
              ])}
            />
          ) : (
            <Empty>No provider CSR in {env.code} yet.</Empty>
          )}
          <CreateProviderCsrForm environment={env.code} organisations={orgs && orgs.map((o) => ({ code: o.code, legalName: o.legalName }))} />
        </div>
      </Card>
    </div>
  );
}
