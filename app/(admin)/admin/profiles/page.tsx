import Link from "next/link";
import { Card, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { ProfileEditor } from "@/components/admin/profile-editor";
import { requirePageActor } from "@/lib/auth/web-actor";
import { DEFAULT_PROFILE, KEY_TYPE_LABEL } from "@/lib/policy/profile";
import { listProfileRecords } from "@/lib/services/profiles/manage-profiles";

export const dynamic = "force-dynamic";

// A starting point for a new profile: the default, under a new code.
const TEMPLATE = JSON.stringify({ ...DEFAULT_PROFILE, code: "new-profile", name: "New profile" }, null, 2);

export default async function ProfilesPage() {
  const actor = await requirePageActor("area:admin", "/admin/profiles");
  const records = await listProfileRecords(actor);
  return (
    <div className="grid gap-6">
      <PageTitle
        subtitle={
          <>
            Certificate profiles: what a CSR must contain and what the certificate will be. Every change is recorded in the audit trail.{" "}
            <Link href="/admin" className="underline">
              Administration
            </Link>
          </>
        }
      >
        Certificate profiles
      </PageTitle>
      <Card title="Profiles">
        <Table
          label="Profiles"
          head={["Code", "Name", "Environments", "Keys", "Validity", "Updated"]}
          rows={records.map((r) => [
            <Link key="c" href={`/admin/profiles/${encodeURIComponent(r.code)}`} className="text-sky-800 underline">
              {r.code}
            </Link>,
            <span key="n">
              {r.name} {r.builtIn ? <Badge>built in</Badge> : null} {r.error ? <Badge tone="bad">invalid: {r.error}</Badge> : null}
            </span>,
            r.profile ? (r.profile.environments === "*" ? "all" : r.profile.environments.join(", ")) : "—",
            r.profile ? r.profile.keys.map((k) => KEY_TYPE_LABEL[k]).join(", ") : "—",
            r.profile ? `${r.profile.validityDays} days` : "—",
            r.builtIn ? "—" : formatTime(r.updatedAt),
          ])}
        />
      </Card>
      <Card title="New profile">
        <ProfileEditor mode="create" initialJson={TEMPLATE} />
      </Card>
    </div>
  );
}
