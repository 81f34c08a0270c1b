import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listOrganisations } from "@/lib/services/organisations/list-organisations";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listAuditEvents } from "@/lib/services/audit/list-audit-events";

export const dynamic = "force-dynamic";

export default async function OfficerHome() {
  const actor = await requirePageActor("area:officer", "/officer");
  const [orgs, envs, events] = await Promise.all([listOrganisations(actor), listEnvironments(actor), listAuditEvents(actor, { take: 20 })]);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Partners, environments and the latest activity.">Security officer</PageTitle>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Partner organisations">
          {orgs.length ? (
            <Table label="Organisations" head={["Code", "Legal name", "Group email"]} rows={orgs.map((o) => [o.code, o.legalName, o.groupEmail])} />
          ) : (
            <Empty>No partner organisations yet.</Empty>
          )}
        </Card>
        <Card title="Environments">
          <Table
            label="Environments"
            head={["Code", "Name", "Approvals", "Production"]}
            rows={envs.map((e) => [e.code, e.name, e.approvalsRequired, e.production ? "yes" : "no"])}
          />
        </Card>
      </div>
      <Card title="Recent activity">
        <Table
          label="Audit events"
          head={["Time (UTC)", "Actor", "Action", "Source IP"]}
          rows={events.map((e) => [e.at.toISOString().replace("T", " ").slice(0, 19), e.actorEmail ?? "—", e.action, e.sourceIp ?? "—"])}
        />
      </Card>
    </div>
  );
}
