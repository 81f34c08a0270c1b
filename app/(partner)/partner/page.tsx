import { Card, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/web-actor";
import { getMyOrganisation } from "@/lib/services/organisations/get-my-organisation";
import { listEnvironments } from "@/lib/services/environments/list-environments";

export const dynamic = "force-dynamic";

export default async function PartnerHome() {
  const actor = await requirePageActor("area:partner", "/partner");
  const [org, envs] = await Promise.all([getMyOrganisation(actor), listEnvironments(actor)]);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={`${org.legalName} · certificate group ${org.groupEmail}`}>{org.code}</PageTitle>
      <Card title="Environments">
        <Table
          label="Environments"
          head={["Code", "Name", "Officer approvals", "Production"]}
          rows={envs.map((e) => [e.code, e.name, e.approvalsRequired, e.production ? "yes" : "no"])}
        />
      </Card>
      <Card title="Members">
        <Table label="Members" head={["Email", "Name"]} rows={org.users.map((u) => [u.email, u.name])} />
      </Card>
    </div>
  );
}
