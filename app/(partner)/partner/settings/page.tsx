import { Card, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { GroupEmailForm } from "@/components/partner/settings-form";
import { requirePageActor } from "@/lib/auth/web-actor";
import { getMyOrganisation } from "@/lib/services/organisations/get-my-organisation";

export const dynamic = "force-dynamic";

export default async function PartnerSettingsPage() {
  const actor = await requirePageActor("area:partner", "/partner/settings");
  const org = await getMyOrganisation(actor);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={`${org.legalName} (${org.code})`}>Organisation settings</PageTitle>
      <Card title="Notifications">
        <GroupEmailForm current={org.groupEmail} />
      </Card>
      <Card title="Members">
        <p className="mb-3 text-sm text-slate-600">People who can request certificates and allowlist entries for {org.legalName}. Ask your Keyport administrator to add or remove members.</p>
        <Table label="Members" head={["Email", "Name", "Role"]} rows={org.users.map((u) => [u.email, u.name, u.role])} />
      </Card>
    </div>
  );
}
