import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { Mono, Notice } from "@/components/ui/details";
import { colonHex, formatTime } from "@/components/ui/format";
import { CopyButton } from "@/components/ui/copy-button";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listCertificates } from "@/lib/services/certificates/read-certificates";
import { listAllowlistEntries } from "@/lib/services/allowlist/allowlist-requests";
import { listConnectivityTests } from "@/lib/services/connectivity/read-connectivity";
import { connectivityServerIssuedByKeyport, connectivityUrl } from "@/lib/services/connectivity/urls";
import { getMyOrganisation } from "@/lib/services/organisations/get-my-organisation";
import { param } from "../_shared/page-data";

export const dynamic = "force-dynamic";

const link = "text-sky-800 underline";

export default async function ConnectivityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:partner", "/partner/connectivity");
  const sp = await searchParams;
  const [org, envs] = await Promise.all([getMyOrganisation(actor), listEnvironments(actor)]);
  const wanted = param(sp, "env")?.toUpperCase();
  const env = envs.find((e) => e.code === wanted) ?? envs[0];
  if (!env) {
    return (
      <div className="grid gap-6">
        <PageTitle>Test connectivity</PageTitle>
        <Empty>No environments are configured yet.</Empty>
      </div>
    );
  }
  const [certificates, allowlist, tests] = await Promise.all([
    listCertificates(actor, { environment: env.code }),
    listAllowlistEntries(actor, { environment: env.code }),
    listConnectivityTests(actor, { environment: env.code, limit: 20 }),
  ]);
  const url = connectivityUrl(env.code);
  const usable = certificates.filter((c) => c.status === "valid" || c.status === "expiring");
  // The list runs soonest-to-expire first; the test uses the certificate that lasts longest (the newest).
  const cert = usable.reduce<(typeof usable)[number] | undefined>((best, c) => (!best || new Date(c.notAfter) > new Date(best.notAfter) ? c : best), undefined);
  const base = cert ? `${org.code}-${env.code}-${cert.serial.slice(0, 8)}`.toLowerCase().replace(/[^a-z0-9._-]/g, "-") : `${org.code}-${env.code.toLowerCase()}`;
  const caFile = `${env.code}-ca-chain.pem`;
  // Keyport's own listener has a server certificate from the environment's CA; a provider's gateway has its own.
  const serverFromCa = connectivityServerIssuedByKeyport();
  const command = url
    ? `curl --cert ${base}-chain.pem --key ${org.code}-${env.code.toLowerCase()}.key \\\n${serverFromCa ? `  --cacert ${caFile} \\\n` : ""}  ${url}`
    : null;

  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Check that your client certificate, key and source IP work before your first real call.">Test connectivity</PageTitle>
      <nav aria-label="Environment" className="flex flex-wrap gap-2">
        {envs.map((e) => (
          <Link
            key={e.code}
            href={`/partner/connectivity?env=${e.code}`}
            aria-current={e.code === env.code ? "page" : undefined}
            className={`rounded border px-3 py-1 text-sm ${e.code === env.code ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 text-slate-700 hover:bg-slate-100"}`}
          >
            {e.code} · {e.name}
          </Link>
        ))}
      </nav>

      <Card title={`Run the test against ${env.code}`}>
        {command ? (
          <div className="grid gap-3">
            <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
              <li>
                {cert ? (
                  <>
                    Download your certificate&apos;s{" "}
                    <a className={link} href={`/partner/certificates/${cert.id}/download?format=chain`} download>
                      chain (leaf first)
                    </a>{" "}
                    (serial <Mono>{colonHex(cert.serial).slice(0, 17)}…</Mono>).
                  </>
                ) : (
                  <>
                    You have no valid certificate in {env.code} yet: <Link className={link} href={`/partner/requests/new?env=${env.code}`}>request one</Link>.
                  </>
                )}
              </li>
              {serverFromCa ? (
                <li>
                  Download the provider&apos;s{" "}
                  <a className={link} href={`/api/v1/environments/${env.code}/ca?format=pem`} download={caFile}>
                    {env.code} CA chain
                  </a>{" "}
                  as <code>{caFile}</code>: the test server&apos;s certificate is issued by it.
                </li>
              ) : (
                <li>The provider&apos;s gateway presents its own server certificate, checked against your system&apos;s trust store.</li>
              )}
              <li>
                Call from a source IP on your {env.code} allowlist
                {allowlist.length ? ` (${allowlist.map((a) => a.cidr).join(", ")})` : ""}.
                {allowlist.length ? null : (
                  <>
                    {" "}
                    You have none yet: <Link className={link} href={`/partner/allowlist?env=${env.code}`}>request one</Link>.
                  </>
                )}
              </li>
            </ol>
            <div className="flex items-center justify-between">
              <span className="text-xs font-medium text-slate-700">Command</span>
              <CopyButton text={command.replace(/ \\\n {2}/g, " ")} label="Copy curl command" />
            </div>
            <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100" data-testid="curl-command">
              {command}
            </pre>
            <p className="text-xs text-slate-600">
              A working setup answers HTTP 200 with your organisation, the certificate&apos;s serial and expiry, and the source IP the endpoint saw. A refusal says why: no certificate,
              unknown CA, revoked, expired, or source IP not allowlisted. With a PKCS#12 file use <code>--cert-type P12 --cert {base}.p12:PASSWORD</code> instead of{" "}
              <code>--cert</code> and <code>--key</code>.
            </p>
          </div>
        ) : (
          <Notice tone="info">The provider has not enabled a connectivity-test endpoint for {env.code}. Ask them for the address of their mTLS health check.</Notice>
        )}
      </Card>

      <Card title="Latest results">
        {tests.length ? (
          <Table
            label="Connectivity tests"
            head={["When", "Result", "Certificate", "Source IP"]}
            rows={tests.map((t) => [
              formatTime(t.at),
              <span key="r" data-outcome={t.outcome}>
                <Badge tone={t.ok ? "good" : "bad"}>{t.ok ? "ok" : t.outcome.replace(/_/g, " ")}</Badge> <span className="text-sm text-slate-700">{t.message}</span>
              </span>,
              t.certificate ? (
                <Link key="c" className={link} href={`/partner/certificates/${t.certificate.id}`}>
                  <Mono>{colonHex(t.certificate.serial).slice(0, 17)}…</Mono>
                </Link>
              ) : (
                "—"
              ),
              <Mono key="ip">{t.sourceIp}</Mono>,
            ])}
          />
        ) : (
          <Empty>No tests from your certificates in {env.code} yet. Run the command above; each result appears here and on the certificate&apos;s page.</Empty>
        )}
      </Card>
    </div>
  );
}
