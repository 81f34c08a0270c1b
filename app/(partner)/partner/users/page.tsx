import { Card, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { formatDay } from "@/components/ui/format";
import { ChangeRoleForm, DisableUserButton, InviteUserForm, PARTNER_ROLE_LABELS } from "@/components/partner/org-user-forms";
import { forbidden } from "next/navigation";
import { requirePageActor } from "@/lib/auth/web-actor";
import { granteeOf, roleHas } from "@/lib/auth/permissions";
import { listOrgUsers } from "@/lib/services/org-users/list-org-users";
import { cursorParams, orFirstPage, isPaged } from "@/lib/page-cursor";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";

export default async function PartnerUsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("area:partner", "/partner/users");
  // A partner admin's page: other partner users get the 403 page rather than an error (the services refuse them anyway).
  if (!roleHas(granteeOf(actor), "org-user:list")) forbidden();
  const at = cursorParams(await searchParams);
  // One page of members at a time (keyset, by email).
  const { organisation, users, invitations, nextCursor, prevCursor } = await orFirstPage(at, (c) => listOrgUsers(actor, { limit: 100, ...c }));
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={`${organisation.legalName} (${organisation.code})`}>Users</PageTitle>
      <Card title="Invite a user">
        <p className="mb-3 text-sm text-slate-600">
          The invitee gets a mail with a link that works once and expires; they choose their password. Partner security officers submit, renew and revoke; viewers only read and
          download.
        </p>
        <InviteUserForm />
      </Card>
      <Card title="Members" actions={<Pager params={{}} nextCursor={nextCursor} prevCursor={prevCursor} paged={isPaged(at)} label="Member pages" />}>
        <Table
          label="Members"
          head={["Email", "Name", "Role", "State", ""]}
          rows={users.map((u) => [
            u.email,
            u.name,
            u.partnerRole ? PARTNER_ROLE_LABELS[u.partnerRole] : "",
            <Badge key="s" tone={u.disabled ? "bad" : "good"}>
              {u.disabled ? "disabled" : "active"}
            </Badge>,
            u.id === actor.userId ? (
              <span key="a" className="text-xs text-slate-500">
                you
              </span>
            ) : (
              <div key="a" className="flex flex-wrap items-center gap-3">
                <ChangeRoleForm id={u.id} email={u.email} current={u.partnerRole ?? "viewer"} />
                <DisableUserButton id={u.id} email={u.email} disabled={u.disabled} />
              </div>
            ),
          ])}
        />
      </Card>
      <Card title="Open invitations">
        <Table label="Open invitations" head={["Email", "Role", "Sent", "Link valid until"]} rows={invitations.map((i) => [i.email, PARTNER_ROLE_LABELS[i.partnerRole], formatDay(i.createdAt), i.expiresAt.toISOString().slice(0, 16).replace("T", " ")])} />
      </Card>
    </div>
  );
}
