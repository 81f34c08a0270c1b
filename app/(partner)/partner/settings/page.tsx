import { Card, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { GroupEmailForm } from "@/components/partner/settings-form";
import { requirePageActor } from "@/lib/auth/web-actor";
import { getMyOrganisation } from "@/lib/services/organisations/get-my-organisation";
import { getNotificationSettings } from "@/lib/services/notifications/org-notification-settings";
import { PreferencesForm, WebhookForm } from "@/components/notifications/notification-forms";
import { Badge } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";

export const dynamic = "force-dynamic";

export default async function PartnerSettingsPage() {
  const actor = await requirePageActor("area:partner", "/partner/settings");
  const [org, settings] = await Promise.all([getMyOrganisation(actor), getNotificationSettings(actor)]);
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={`${org.legalName} (${org.code})`}>Organisation settings</PageTitle>
      <Card title="Notifications">
        <GroupEmailForm current={org.groupEmail} />
      </Card>
      <Card title="Which events are mailed">
        <PreferencesForm preferences={settings.preferences} />
      </Card>
      <Card title="Webhook">
        <WebhookForm current={settings.webhook?.url ?? null} />
        {settings.webhookDeliveries.length ? (
          <div className="mt-4">
            <Table
              label="Webhook deliveries"
              head={["Created", "Event", "Status", "Attempts", "Answers"]}
              rows={settings.webhookDeliveries.map((d) => [
                formatTime(d.createdAt),
                d.event,
                <Badge key="s" tone={d.status === "sent" ? "good" : d.status === "dead" ? "bad" : "warn"}>{d.status}</Badge>,
                String(d.attempts),
                d.attemptLog.map((a) => `${formatTime(a.at)}: ${a.answer}`).join(" · "),
              ])}
            />
          </div>
        ) : null}
      </Card>
      <Card title="Members">
        <p className="mb-3 text-sm text-slate-600">People who can request certificates and allowlist entries for {org.legalName}. Ask your Keyport administrator to add or remove members.</p>
        <Table label="Members" head={["Email", "Name", "Role"]} rows={org.users.map((u) => [u.email, u.name, u.role])} />
      </Card>
    </div>
  );
}
