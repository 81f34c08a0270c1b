import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Mono } from "@/components/ui/details";
import { formatDay } from "@/components/ui/format";
import { PartnerJwsKeyTable } from "@/components/jws/jws-key-tables";
import { JwsKeyDecision, VerifyJwsForm } from "@/components/jws/jws-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listJwsKeysPage } from "@/lib/services/jws-keys/read-jws-keys";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

const PAGE = 100;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function OfficerJwsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:officer", "/officer/jws");
  const sp = await searchParams;
  const envs = await listEnvironments(actor);
  const env = envs.find((e) => e.code === one(sp.env)?.toUpperCase()) ?? envs[0];
  if (!env) return <Empty>No environments are configured yet.</Empty>;
  // Each list one page at a time (keyset); a list's links keep the other's place and the environment.
  const here = Object.fromEntries(Object.keys(sp).map((k) => [k, one(sp[k]) ?? ""]));
  const at = { pending: cursorParams(sp, "pending"), endorsed: cursorParams(sp, "endorsed") };
  const [pendingPage, endorsedPage] = await Promise.all([
    orFirstPage(at.pending, (c) => listJwsKeysPage(actor, { environment: env.code, status: "pending", limit: PAGE, ...c })),
    orFirstPage(at.endorsed, (c) => listJwsKeysPage(actor, { environment: env.code, status: "endorsed", limit: PAGE, ...c })),
  ]);
  const pending = pendingPage.keys;
  // Endorsed keys are active until their retire date, retired after it.
  const current = endorsedPage.keys.filter((k) => k.state === "active" || k.state === "retired");
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
      <Card title={`JWS keys to endorse in ${env.code}`} actions={<Pager params={here} prefix="pending" nextCursor={pendingPage.nextCursor} prevCursor={pendingPage.prevCursor} paged={isPaged(at.pending)} label="Pending key pages" />}>
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
      <Card title={`Endorsed keys in ${env.code}`} actions={<Pager params={here} prefix="endorsed" nextCursor={endorsedPage.nextCursor} prevCursor={endorsedPage.prevCursor} paged={isPaged(at.endorsed)} label="Endorsed key pages" />}>{current.length ? <PartnerJwsKeyTable keys={current} retire showOrganisation /> : <Empty>No endorsed JWS key yet.</Empty>}</Card>
      <Card title="Check a signature">
        <VerifyJwsForm environment={env.code} askOrganisation />
      </Card>
    </div>
  );
}
