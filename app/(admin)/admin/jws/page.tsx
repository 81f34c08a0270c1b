import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { ProviderJwsKeyList } from "@/components/jws/jws-key-tables";
import { ProviderJwsKeyForm } from "@/components/jws/jws-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listProviderJwsKeysPage } from "@/lib/services/provider-jws-keys/read-provider-jws-keys";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function AdminJwsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:admin", "/admin/jws");
  const sp = await searchParams;
  const envs = await listEnvironments(actor);
  const env = envs.find((e) => e.code === one(sp.env)?.toUpperCase()) ?? envs[0];
  if (!env) return <Empty>No environments are configured yet.</Empty>;
  const at = cursorParams(sp);
  // One page at a time, newest first (keyset).
  const { keys, nextCursor, prevCursor } = await orFirstPage(at, (c) => listProviderJwsKeysPage(actor, env.code, { ...c }));
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="The provider's JWS signing keys per environment: generated and sealed by Keyport, or public keys of a signer elsewhere. Rotate with an overlap: add the new key, then give the old one a retire date.">
        Provider JWS keys
      </PageTitle>
      <nav aria-label="Environment" className="flex flex-wrap gap-2">
        {envs.map((e) => (
          <Link key={e.code} href={`/admin/jws?env=${e.code}`} aria-current={e.code === env.code ? "page" : undefined} className={`rounded border px-3 py-1 text-sm ${e.code === env.code ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 text-slate-700"}`}>
            {e.code}
          </Link>
        ))}
      </nav>
      <Card title={`Keys in ${env.code}`} actions={<Pager params={{ env: env.code }} nextCursor={nextCursor} prevCursor={prevCursor} paged={isPaged(at)} label="Provider JWS key pages" />}>{keys.length ? <ProviderJwsKeyList keys={keys} retire /> : <Empty>No provider JWS key yet.</Empty>}</Card>
      <Card title="Add a key">
        <ProviderJwsKeyForm environment={env.code} />
      </Card>
    </div>
  );
}
