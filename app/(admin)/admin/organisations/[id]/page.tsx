import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { EditOrganisationForm, OrganisationStateButton } from "@/components/admin/account-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { getOrganisation } from "@/lib/services/organisations/get-organisation";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function EditOrganisationPage({ params }: Props) {
  const { id } = await params;
  const actor = await requirePageActor("area:admin", `/admin/organisations/${id}`);
  const org = await getOrganisation(actor, id).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={<Link href="/admin" className="underline">All organisations</Link>}>
        {org.code}
        {org.disabled ? " (disabled)" : ""}
      </PageTitle>
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <Card title="Organisation">
          <EditOrganisationForm org={{ id: org.id, legalName: org.legalName, groupEmail: org.groupEmail }} />
        </Card>
        <Card title="State">
          <p className="mb-3 text-sm text-slate-600">
            Disabling signs every user of {org.code} out and refuses their API tokens. Its certificates stay in the inventory and can still be revoked.
          </p>
          <OrganisationStateButton id={org.id} disabled={org.disabled} />
        </Card>
        <Card title="Users">
          <Table
            label="Users of the organisation"
            head={["Email", "Name", "Role", "State"]}
            rows={org.users.map((u) => [<Link key="e" href={`/admin/users/${u.id}`} className="underline">{u.email}</Link>, u.name, u.role, u.disabled ? "disabled" : "active"])}
          />
        </Card>
      </div>
    </div>
  );
}
