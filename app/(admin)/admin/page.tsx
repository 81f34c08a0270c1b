import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import {
  CreateEnvironmentForm,
  CreateOrganisationForm,
  CreateTokenForm,
  CreateUserForm,
  EndSessionsButton,
  RevokeTokenButton,
} from "@/components/admin/admin-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listOrganisationsPage, organisationChoices } from "@/lib/services/organisations/list-organisations";
import { listUsersPage, userEmailChoices } from "@/lib/services/users/list-users";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listTokensPage } from "@/lib/services/tokens/list-tokens";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

const PAGE = 50;

const fmt = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—");

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export default async function AdminHome({ searchParams }: Props) {
  const actor = await requirePageActor("area:admin", "/admin");
  const sp = await searchParams;
  const filter = { role: first(sp.role), organisation: first(sp.organisation), state: first(sp.state) };
  // Each list one page at a time (keyset); its links keep the other lists' places.
  const here = Object.fromEntries(Object.keys(sp).map((k) => [k, first(sp[k])]));
  const at = { orgs: cursorParams(sp, "orgs"), users: cursorParams(sp, "users"), tokens: cursorParams(sp, "tokens") };
  const [orgChoices, orgPage, userPage, allUsers, envs, tokenPage] = await Promise.all([
    organisationChoices(actor),
    orFirstPage(at.orgs, (c) => listOrganisationsPage(actor, { limit: PAGE, ...c })),
    orFirstPage(at.users, (c) => listUsersPage(actor, { ...filter, limit: PAGE, ...c })).catch(() => null),
    // The token form's choice of users: a list while it is short, else an email field.
    userEmailChoices(actor),
    listEnvironments(actor),
    orFirstPage(at.tokens, (c) => listTokensPage(actor, { limit: PAGE, ...c })),
  ]);
  const orgs = orgPage.organisations;
  const users = userPage?.users ?? null;
  const tokens = tokenPage.tokens;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Organisations, accounts, environments and API tokens.">Administration</PageTitle>
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <Card title="Organisations" actions={<Pager params={here} prefix="orgs" nextCursor={orgPage.nextCursor} prevCursor={orgPage.prevCursor} paged={isPaged(at.orgs)} label="Organisation pages" />}>
          {orgs.length ? (
            <Table
              label="Organisations"
              head={["Code", "Legal name", "Group email", "Users", "State"]}
              rows={orgs.map((o) => [
                <Link key="c" href={`/admin/organisations/${o.id}`} className="underline">
                  {o.code}
                </Link>,
                o.legalName,
                o.groupEmail,
                o._count.users,
                o.disabled ? "disabled" : "active",
              ])}
            />
          ) : (
            <Empty>No organisations yet.</Empty>
          )}
        </Card>
        <Card title="New organisation">
          <CreateOrganisationForm />
        </Card>
        <Card title="Users" actions={userPage ? <Pager params={here} prefix="users" nextCursor={userPage.nextCursor} prevCursor={userPage.prevCursor} paged={isPaged(at.users)} label="User pages" /> : null}>
          <form method="get" className="mb-3 flex flex-wrap items-end gap-2 text-sm" aria-label="Filter users">
            <label className="grid gap-1">
              Role
              <select name="role" defaultValue={filter.role} className="rounded border px-2 py-1">
                <option value="">any</option>
                {["partner", "officer", "admin", "gateway"].map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
            <label className="grid gap-1">
              Organisation
              {orgChoices ? (
                <select name="organisation" defaultValue={filter.organisation} className="rounded border px-2 py-1">
                  <option value="">any</option>
                  {orgChoices.map((o) => (
                    <option key={o.code}>{o.code}</option>
                  ))}
                </select>
              ) : (
                <input name="organisation" type="search" defaultValue={filter.organisation} placeholder="code (any when empty)" className="rounded border px-2 py-1" />
              )}
            </label>
            <label className="grid gap-1">
              State
              <select name="state" defaultValue={filter.state} className="rounded border px-2 py-1">
                <option value="">any</option>
                <option>active</option>
                <option>disabled</option>
              </select>
            </label>
            <button type="submit" className="rounded border px-3 py-1">
              Filter
            </button>
          </form>
          {users === null ? (
            <Empty>That filter is not valid.</Empty>
          ) : (
            <Table
              label="Users"
              head={["Email", "Name", "Role", "Organisation", "State", "Sessions"]}
              rows={users.map((u) => [
                <Link key="e" href={`/admin/users/${u.id}`} className="underline">
                  {u.email}
                </Link>,
                u.name,
                u.role,
                u.org?.code ?? "—",
                u.disabled ? "disabled" : "active",
                <EndSessionsButton key="s" email={u.email} />,
              ])}
            />
          )}
        </Card>
        <Card title="New user">
          <CreateUserForm orgCodes={orgChoices && orgChoices.filter((o) => !o.disabled).map((o) => o.code)} />
        </Card>
        <Card title="Environments">
          {envs.length ? (
            <Table
              label="Environments"
              head={["Code", "Name", "Approvals", "Production"]}
              rows={envs.map((e) => [e.code, e.name, e.approvalsRequired, e.production ? "yes" : "no"])}
            />
          ) : (
            <Empty>No environments yet.</Empty>
          )}
        </Card>
        <Card title="New environment">
          <CreateEnvironmentForm />
        </Card>
        <Card title="API tokens" actions={<Pager params={here} prefix="tokens" nextCursor={tokenPage.nextCursor} prevCursor={tokenPage.prevCursor} paged={isPaged(at.tokens)} label="Token pages" />}>
          {tokens.length ? (
            <Table
              label="API tokens"
              head={["Token", "Name", "User", "Scopes", "Created", "Last used", "Expires", "Status"]}
              rows={tokens.map((t) => [
                <code key="p">{t.prefix}…</code>,
                t.name,
                t.user.email,
                t.scopes.join(", "),
                fmt(t.createdAt),
                fmt(t.lastUsedAt),
                t.expiresAt ? fmt(t.expiresAt) : "never",
                t.revokedAt ? `revoked ${fmt(t.revokedAt)}` : <RevokeTokenButton key="r" id={t.id} />,
              ])}
            />
          ) : (
            <Empty>No API tokens yet.</Empty>
          )}
        </Card>
        <Card title="New API token">
          <CreateTokenForm emails={allUsers} />
        </Card>
      </div>
    </div>
  );
}
