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
import { listOrganisations } from "@/lib/services/organisations/list-organisations";
import { listUsers } from "@/lib/services/users/list-users";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listTokens } from "@/lib/services/tokens/list-tokens";

export const dynamic = "force-dynamic";

const fmt = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—");

export default async function AdminHome() {
  const actor = await requirePageActor("area:admin", "/admin");
  const [orgs, users, envs, tokens] = await Promise.all([
    listOrganisations(actor),
    listUsers(actor),
    listEnvironments(actor),
    listTokens(actor),
  ]);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Organisations, accounts, environments and API tokens.">Administration</PageTitle>
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <Card title="Organisations">
          {orgs.length ? (
            <Table
              label="Organisations"
              head={["Code", "Legal name", "Group email", "Users"]}
              rows={orgs.map((o) => [o.code, o.legalName, o.groupEmail, o._count.users])}
            />
          ) : (
            <Empty>No organisations yet.</Empty>
          )}
        </Card>
        <Card title="New organisation">
          <CreateOrganisationForm />
        </Card>
        <Card title="Users">
          <Table
            label="Users"
            head={["Email", "Name", "Role", "Organisation", "Sessions"]}
            rows={users.map((u) => [u.email, u.name, u.role, u.org?.code ?? "—", <EndSessionsButton key="s" email={u.email} />])}
          />
        </Card>
        <Card title="New user">
          <CreateUserForm orgCodes={orgs.map((o) => o.code)} />
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
        <Card title="API tokens">
          {tokens.length ? (
            <Table
              label="API tokens"
              head={["Token", "Name", "User", "Created", "Last used", "Status"]}
              rows={tokens.map((t) => [
                <code key="p">{t.prefix}…</code>,
                t.name,
                t.user.email,
                fmt(t.createdAt),
                fmt(t.lastUsedAt),
                t.revokedAt ? `revoked ${fmt(t.revokedAt)}` : <RevokeTokenButton key="r" id={t.id} />,
              ])}
            />
          ) : (
            <Empty>No API tokens yet.</Empty>
          )}
        </Card>
        <Card title="New API token">
          <CreateTokenForm emails={users.map((u) => u.email)} />
        </Card>
      </div>
    </div>
  );
}
