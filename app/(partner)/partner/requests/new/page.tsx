import Link from "next/link";
import { PageTitle } from "@/components/ui/card";
import { Notice } from "@/components/ui/details";
import { colonHex, formatDay } from "@/components/ui/format";
import { NewRequestForm } from "@/components/partner/new-request-form";
import { requirePageActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { getMyOrganisation } from "@/lib/services/organisations/get-my-organisation";
import { listEnvironments } from "@/lib/services/environments/list-environments";
import { listProfiles } from "@/lib/services/profiles/profiles";
import { getCertificate } from "@/lib/services/certificates/read-certificates";
import { param } from "../../_shared/page-data";

export const dynamic = "force-dynamic";

export default async function NewRequestPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const actor = await requirePageActor("area:partner", "/partner/requests/new");
  const [org, envs, profiles] = await Promise.all([getMyOrganisation(actor), listEnvironments(actor), listProfiles(actor)]);
  const renewsId = param(sp, "renews");
  let renews: Awaited<ReturnType<typeof getCertificate>> | null = null;
  let renewsError: string | null = null;
  if (renewsId) {
    try {
      renews = await getCertificate(actor, renewsId);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== "not_found") throw e;
      renewsError = `There is no certificate of yours with id "${renewsId.slice(0, 64)}" to renew. This form makes a new request instead.`;
    }
  }
  const envParam = param(sp, "env")?.toUpperCase();
  const environment = renews?.environment ?? (envs.some((e) => e.code === envParam) ? envParam! : (envs[0]?.code ?? ""));
  const profile = renews?.profile ?? param(sp, "profile") ?? "mtls-client";
  return (
    <div className="grid gap-6">
      <PageTitle subtitle="Paste or drop a CSR made with OpenSSL, or let your browser make the key and CSR. Every check runs as you go; nothing is stored until you submit.">
        {renews ? "Renew a certificate" : "Request a certificate"}
      </PageTitle>
      {renews ? (
        <Notice tone="info" testId="renewal-notice">
          Renewing certificate <code className="break-all text-xs">{colonHex(renews.serial)}</code> ({renews.subject}, {renews.environment}, expires {formatDay(renews.notAfter)}). Make a{" "}
          <strong>new key</strong> for the new certificate; the old one keeps working until it expires or you{" "}
          <Link className="underline" href={`/partner/certificates/${renews.id}`}>
            revoke it
          </Link>
          .
        </Notice>
      ) : null}
      {renewsError ? <Notice tone="warn">{renewsError}</Notice> : null}
      {envs.length === 0 ? (
        <Notice tone="warn">No environments are set up yet. Ask your Keyport administrator.</Notice>
      ) : (
        <NewRequestForm
          org={{ code: org.code, legalName: org.legalName }}
          environments={envs.map((e) => ({ code: e.code, name: e.name, production: e.production, approvalsRequired: e.approvalsRequired }))}
          profiles={profiles}
          initial={{ environment, profile }}
          renews={renews ? { id: renews.id, environment: renews.environment, subject: renews.subject } : null}
        />
      )}
    </div>
  );
}
