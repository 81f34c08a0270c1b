import { Card, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/web-actor";
import { listEnvironments } from "@/lib/services/environments/list-environments";

export const dynamic = "force-dynamic";

export default async function GatewayHome() {
  const actor = await requirePageActor("area:gateway", "/gateway");
  const envs = await listEnvironments(actor);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Gateway accounts read allowlists, CA chains and CRLs through the API.">Gateway</PageTitle>
      <Card title="Environments">
        <Table label="Environments" head={["Code", "Name"]} rows={envs.map((e) => [e.code, e.name])} />
      </Card>
    </div>
  );
}
