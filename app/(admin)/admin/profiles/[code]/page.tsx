import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageTitle } from "@/components/ui/card";
import { Notice } from "@/components/ui/details";
import { ProfileEditor } from "@/components/admin/profile-editor";
import { requirePageActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { getProfileRecord } from "@/lib/services/profiles/manage-profiles";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ code: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function EditProfilePage({ params, searchParams }: Props) {
  // Profile codes are lower-case letters, digits and hyphens: nothing to decode.
  const { code } = await params;
  const actor = await requirePageActor("area:admin", `/admin/profiles/${code}`);
  const created = (await searchParams).created === "1";
  const record = await getProfileRecord(actor, code).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  return (
    <div className="grid gap-6">
      <PageTitle
        subtitle={
          <Link href="/admin/profiles" className="underline">
            All profiles
          </Link>
        }
      >
        Profile {record.code}
      </PageTitle>
      {created ? (
        <Notice tone="good" testId="profile-created">
          Created profile {record.code}. The change is in the audit trail.
        </Notice>
      ) : null}
      {record.builtIn ? <Notice>This is the built-in default. Saving stores your version, which then replaces the built-in one.</Notice> : null}
      {record.error ? <Notice tone="bad">The stored definition is invalid ({record.error}); fix it below.</Notice> : null}
      <Card title="Definition">
        <ProfileEditor
          mode="edit"
          code={record.code}
          initialJson={JSON.stringify(record.definition, null, 2)}
          expectedUpdatedAt={record.updatedAt?.toISOString() ?? ""}
        />
      </Card>
    </div>
  );
}
