import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { PartnerJwsKeyTable, ProviderJwsKeyList } from "@/components/jws/jws-key-tables";
import { UploadJwsKeyForm, VerifyJwsForm } from "@/components/jws/jws-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listJwsKeysPage } from "@/lib/services/jws-keys/read-jws-keys";
import { listProviderJwsKeys } from "@/lib/services/provider-jws-keys/read-provider-jws-keys";
import { param } from "../_shared/page-data";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

const link = "text-sky-800 underline";
const PAGE = 100;

export default async function PartnerJwsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:partner", "/partner/jws");
  const sp = await searchParams;
  const envs = await listEnvironments(actor);
  const env = envs.find((e) => e.code === param(sp, "env")?.toUpperCase()) ?? envs[0];
  if (!env) return <Empty>No environments are configured yet.</Empty>;
  // The partner's keys one page at a time (keyset); the links keep the environment.
  const here = Object.fromEntries(Object.keys(sp).map((k) => [k, param(sp, k) ?? ""]));
  const at = cursorParams(sp, "keys");
  const [keyPage, provider] = await Promise.all([orFirstPage(at, (c) => listJwsKeysPage(actor, { environment: env.code, limit: PAGE, ...c })), listProviderJwsKeys(actor, env.code)]);
  const keys = keyPage.keys;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="The keys that sign API messages (FSPIOP-Signature), in both directions. Use a different key pair than for TLS.">JWS signing keys</PageTitle>
      <nav aria-label="Environment" className="flex flex-wrap gap-2">
        {envs.map((e) => (
          <Link key={e.code} href={`/partner/jws?env=${e.code}`} aria-current={e.code === env.code ? "page" : undefined} className={`rounded border px-3 py-1 text-sm ${e.code === env.code ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 text-slate-700"}`}>
            {e.code}
          </Link>
        ))}
      </nav>
      <Card title="Your JWS keys" actions={<Pager params={here} prefix="keys" nextCursor={keyPage.nextCursor} prevCursor={keyPage.prevCursor} paged={isPaged(at)} label="Key pages" />}>
        <div className="grid gap-4">
          {keys.length ? <PartnerJwsKeyTable keys={keys} retire /> : <Empty>No JWS key uploaded for {env.code} yet.</Empty>}
          <p className="text-sm text-slate-600">
            Rotation: upload the new key; once officers endorse it, both verify. Then give the old key a retire date. Allowed here: {env.jwsAlgorithms.join(", ")}; RSA ≥ 2048 bits or EC P-256.
          </p>
          <UploadJwsKeyForm environment={env.code} />
        </div>
      </Card>
      <Card title="Provider JWS keys">
        <div className="grid gap-3 text-sm">
          <p>
            Verify the provider&apos;s signatures with its JWK Set:{" "}
            <a className={link} href={`/.well-known/jwks/${env.code}/provider.json`}>
              /.well-known/jwks/{env.code}/provider.json
            </a>{" "}
            (public; poll it with If-None-Match).
          </p>
          {provider.length ? <ProviderJwsKeyList keys={provider} retire={false} /> : <Empty>The provider has not published a JWS key for {env.code} yet.</Empty>}
        </div>
      </Card>
      <Card title="Check a signature">
        <VerifyJwsForm environment={env.code} askOrganisation={false} />
      </Card>
    </div>
  );
}
