import { Card, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { formatDay } from "@/components/ui/format";
import { CreateTokenForm, RevokeTokenButton } from "@/components/admin/admin-forms";
import { forbidden } from "next/navigation";
import { requirePageActor } from "@/lib/auth/web-actor";
import { granteeOf, roleHas } from "@/lib/auth/permissions";
import { listOrgTokensPage } from "@/lib/services/tokens/list-org-tokens";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";
import { listOrgUsers } from "@/lib/services/org-users/list-org-users";

export const dynamic = "force-dynamic";

export default async function PartnerTokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:partner", "/partner/tokens");
  // A partner admin's page: other partner users get the 403 page rather than an error (the services refuse them anyway).
  if (!roleHas(granteeOf(actor), "org-token:list")) forbidden();
  const at = cursorParams(await searchParams);
  // One page of tokens at a time (keyset, newest first); up to 1000 users to choose from.
  const [{ tokens, nextCursor, prevCursor }, { organisation, users }] = await Promise.all([orFirstPage(at, (c) => listOrgTokensPage(actor, { limit: 100, ...c })), listOrgUsers(actor, { limit: 1000 })]);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={`${organisation.legalName} (${organisation.code})`}>API tokens</PageTitle>
      <Card title="Create a token">
        <p className="mb-3 text-sm text-slate-600">A token acts as its user, within that user&apos;s role, narrowed by its scopes. It is shown once; only its hash is kept.</p>
        <CreateTokenForm audience="partner" emails={users.filter((u) => !u.disabled).map((u) => u.email)} />
      </Card>
      <Card title="Tokens" actions={<Pager params={{}} nextCursor={nextCursor} prevCursor={prevCursor} paged={isPaged(at)} label="Token pages" />}>
        <Table
          label="API tokens"
          head={["Name", "User", "Prefix", "Scopes", "Last used", "Expires", ""]}
          rows={tokens.map((t) => [
            t.name,
            t.user.email,
            `${t.prefix}…`,
            t.scopes.join(", "),
            t.lastUsedAt ? formatDay(t.lastUsedAt) : "never",
            t.expiresAt ? formatDay(t.expiresAt) : "no expiry",
            t.revokedAt ? "revoked" : <RevokeTokenButton key="r" id={t.id} audience="partner" />,
          ])}
        />
      </Card>
    </div>
  );
}
