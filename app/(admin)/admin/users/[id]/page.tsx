import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageTitle } from "@/components/ui/card";
import { EditUserForm, ResetSecondFactorButton, UserStateButton } from "@/components/admin/account-forms";
import { EndSessionsButton } from "@/components/admin/admin-forms";
import { requirePageActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { getUser } from "@/lib/services/users/get-user";
import { organisationChoices } from "@/lib/services/organisations/list-organisations";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function EditUserPage({ params }: Props) {
  const { id } = await params;
  const actor = await requirePageActor("area:admin", `/admin/users/${id}`);
  const [user, orgs] = await Promise.all([
    getUser(actor, id).catch((e) => {
      if (e instanceof AppError && e.code === "not_found") notFound();
      throw e;
    }),
    organisationChoices(actor),
  ]);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={<Link href="/admin" className="underline">All accounts</Link>}>{user.email}</PageTitle>
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <Card title="Account">
          <EditUserForm user={{ id: user.id, name: user.name, role: user.role, partnerRole: user.partnerRole, orgCode: user.org?.code ?? null }} orgCodes={orgs && orgs.filter((o) => !o.disabled || o.code === user.org?.code).map((o) => o.code)} />
        </Card>
        <Card title="State">
          <dl className="mb-3 grid grid-cols-2 gap-1 text-sm" data-testid="user-state">
            <dt>State</dt>
            <dd>{user.disabled ? "disabled" : user.org?.disabled ? "organisation disabled" : "active"}</dd>
            <dt>Open sessions</dt>
            <dd>{user._count.sessions}</dd>
            <dt>Active API tokens</dt>
            <dd>{user._count.tokens}</dd>
            <dt>Two-factor sign-in</dt>
            <dd>{user.totpEnabledAt ? "on" : "off"}</dd>
          </dl>
          <div className="grid gap-3">
            <UserStateButton id={user.id} disabled={user.disabled} />
            <EndSessionsButton email={user.email} />
            {user.totpEnabledAt ? <ResetSecondFactorButton id={user.id} /> : null}
          </div>
        </Card>
      </div>
    </div>
  );
}
