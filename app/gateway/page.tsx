import { Card, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/web-actor";
import { publicUrl } from "@/lib/ca/authority";
import { listEnvironments } from "@/lib/services/environments/list-environments";

export const dynamic = "force-dynamic";

export default async function GatewayHome() {
  const actor = await requirePageActor("area:gateway", "/gateway");
  const envs = await listEnvironments(actor);
  const base = publicUrl();
  const link = (href: string, text: string) => (
    <a className="text-blue-700 underline" href={href}>
      {text}
    </a>
  );
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Gateway accounts read allowlists, CA chains and CRLs — nothing else.">Gateway</PageTitle>
      <Card title="Per environment">
        <Table
          label="Environments"
          head={["Environment", "CA chain (public)", "CRLs (public)", "Allowlist (API token)"]}
          rows={envs.map((e) => [
            `${e.code} · ${e.name}`,
            <span key="ca" className="flex gap-2">
              {link(`/api/v1/environments/${e.code}/ca?format=pem`, "PEM")}
              {link(`/api/v1/environments/${e.code}/ca?format=p7b`, "PKCS#7")}
            </span>,
            <span key="crl" className="flex gap-2">
              {link(`/crl/${e.code}.crl`, "issuing")}
              {link(`/crl/${e.code}-root.crl`, "root")}
            </span>,
            <code key="allow" className="text-xs">{`GET /api/v1/environments/${e.code}/allowlist?format=nginx`}</code>,
          ])}
        />
      </Card>
      <Card title="Keep an nginx front door in sync">
        <pre className="overflow-x-auto text-xs">{`curl -fsS -H "Authorization: Bearer $KEYPORT_TOKEN" ${base}/api/v1/environments/PPR/allowlist?format=nginx > allowlist.conf
curl -fsS ${base}/crl/PPR.crl | openssl crl -inform DER > crl.pem
curl -fsS ${base}/crl/PPR-root.crl | openssl crl -inform DER >> crl.pem
nginx -t && nginx -s reload`}</pre>
        <p className="mt-2 text-sm text-gray-600">
          With access to Keyport itself, <code>npm run keyport -- gateway nginx --env PPR --out DIR</code> writes the whole configuration and{" "}
          <code>gateway sync</code> refreshes it.
        </p>
      </Card>
    </div>
  );
}
