import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Mono } from "@/components/ui/details";
import { formatDay } from "@/components/ui/format";
import { PartnerJwsKeyTable } from "@/components/jws/jws-key-tables";
import { JwsKeyDecision, VerifyJwsForm } from "@/components/jws/jws-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listJwsKeys } from "@/lib/services/jws-keys/read-jws-keys";

export const dynamic = "force-dynamic";

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function OfficerJwsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:officer", "/officer/jws");
  const sp = await searchParams;
  const envs = await listEnvironments(actor);
  const env = envs.find((e) => e.code === one(sp.env)?.toUpperCase()) ?? envs[0];
  if (!env) return <Empty>No environments are configured yet.</Empty>;
  const keys = await listJwsKeys(actor, { environment: env.code });
  const pending = keys.filter((k) => k.state === "pending");
  const current = keys.filter((k) => k.state === "active" || k.state === "retired");
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Partners' JWS signing keys: endorse or reject uploads, set retire dates, and check a signature against a partner's keys.">JWS signing keys</PageTitle>
      <nav aria-label="Environment" className="flex flex-wrap gap-2">
        {envs.map((e) => (
          <Link key={e.code} href={`/officer/jws?env=${e.code}`} aria-current={e.code === env.code ? "page" : undefined} className={`rounded border px-3 py-1 text-sm ${e.code === env.code ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 text-slate-700"}`}>
            {e.code}
          </Link>
        ))}
      </nav>
      <Card title={`JWS keys to endorse in ${env.code}`}>
        {pending.length ? (
          <div className="grid gap-6">
            {pending.map((k) => (
              <div key={k.id} className="grid gap-2 border-b border-slate-200 pb-4 text-sm">
                <p>
                  <strong>{k.organisation}</strong>, uploaded {formatDay(k.submittedAt)} as {k.source}: {k.key}, {k.alg}; {k.approvals.length} of {k.approvalsRequired} endorsements. kid <Mono>{k.kid}</Mono> — confirm the thumbprint with the partner out of band.
                </p>
                <JwsKeyDecision id={k.id} />
              </div>
            ))}
          </div>
        ) : (
          <Empty>Nothing waits for endorsement.</Empty>
        )}
      </Card>
      <Card title={`Endorsed keys in ${env.code}`}>{current.length ? <PartnerJwsKeyTable keys={current} retire showOrganisation /> : <Empty>No endorsed JWS key yet.</Empty>}</Card>
      <Card title="Check a signature">
        <VerifyJwsForm environment={env.code} askOrganisation />
      </Card>
    </div>
  );
}
