import type { ReactNode } from "react";
import Link from "next/link";
import { Card, PageTitle } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/badge";
import { DetailList, Mono, Notice } from "@/components/ui/details";
import { colonHex, formatTime } from "@/components/ui/format";
import { CheckList } from "@/components/partner/check-list";
import { CertificateDownloads } from "@/components/partner/certificate-downloads";
import { requirePageActor } from "@/lib/auth/web-actor";
import { granteeOf, roleHas } from "@/lib/auth/permissions";
import { ConfirmRequestForm } from "@/components/partner/confirm-request-form";
import { getCertificateRequest } from "@/lib/services/requests/read-requests";
import { certificateMaterial } from "@/lib/services/certificates/download-certificate";
import { orNotFound, param } from "../../_shared/page-data";

export const dynamic = "force-dynamic";

const EVENT_LABEL = { submitted: "Submitted", confirmed: "Confirmed", approved: "Approved", rejected: "Rejected", issued: "Issued" } as const;

export default async function PartnerRequestPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const sp = await searchParams;
  const actor = await requirePageActor("area:partner", `/partner/requests/${id}`);
  const r = await orNotFound(getCertificateRequest(actor, id));
  const material = r.certificateId ? await certificateMaterial(actor, r.certificateId) : null;
  const waiting = r.approvalsRequired - r.approvals.length;
  return (
    <div className="grid gap-6">
      <PageTitle
        subtitle={
          <>
            {r.environment} · {r.environmentName}
            {r.production ? " (production)" : ""} · profile {r.profile} · submitted {formatTime(r.submittedAt)}
            {r.submittedBy ? ` by ${r.submittedBy}` : ""}
          </>
        }
      >
        <span className="mr-2">Certificate request</span>
        <span data-testid="request-status">
          <StatusBadge status={r.status} />
        </span>
      </PageTitle>

      {param(sp, "submitted") && r.status === "pending" ? (
        <Notice tone="good" testId="submitted-notice">
          Your request was accepted and is waiting for {r.approvalsRequired === 1 ? "an officer's approval" : `${r.approvalsRequired} officer approvals`}. This page shows the
          certificate as soon as it is issued.
        </Notice>
      ) : null}
      {r.status === "awaiting_partner_confirmation" ? (
        <Notice tone="info" testId="awaiting-confirmation">
          <p>
            {r.environment} needs a second partner security officer of your organisation to confirm this request before the provider&apos;s officers see it.
            {r.submittedById === actor.userId ? " You submitted it: another partner security officer confirms it (they have been notified)." : ""}
          </p>
          {r.submittedById !== actor.userId && roleHas(granteeOf(actor), "request:confirm") ? <ConfirmRequestForm id={r.id} /> : null}
        </Notice>
      ) : null}
      {r.status === "rejected" ? (
        <Notice tone="bad" testId="rejection">
          <p className="font-medium">Rejected by an officer. Reason:</p>
          <p className="mt-1 whitespace-pre-wrap">{r.rejectionReason}</p>
          <p className="mt-2">
            Fix what the reason says and{" "}
            <Link className="underline" href={`/partner/requests/new?env=${r.environment}&profile=${r.profile}${r.renews ? `&renews=${r.renews}` : ""}`}>
              submit a new request
            </Link>{" "}
            with a new key.
          </p>
        </Notice>
      ) : null}

      <div className="grid items-start gap-6 lg:grid-cols-[3fr_2fr]">
        <div className="grid gap-6">
          <Card title="Request">
            <DetailList
              label="Request details"
              items={[
                ["Subject", <span key="s" className="break-all" data-testid="request-subject">{r.subject}</span>],
                ["Key", r.keyType],
                ["Public key SHA-256", <Mono key="fp">{colonHex(r.publicKeyFingerprint)}</Mono>],
                ["Environment", `${r.environment} · ${r.environmentName}`],
                ["Profile", r.profile],
                ...(r.enteredSans.dns.length || r.enteredSans.ip.length
                  ? [["Subject alternative names you entered", [...r.enteredSans.dns.map((d) => `DNS:${d}`), ...r.enteredSans.ip.map((i) => `IP:${i}`)].join(", ")] as [string, string]]
                  : []),
                ["Approvals", <span key="a" data-testid="approval-count">{`${r.approvals.length} of ${r.approvalsRequired}`}</span>],
                ...(r.renews
                  ? ([["Renews", <Link key="rn" className="text-sky-800 underline" href={`/partner/certificates/${r.renews}`}>previous certificate</Link>]] as [string, ReactNode][])
                  : []),
                ...(r.certificateId
                  ? ([["Certificate", <Link key="c" className="text-sky-800 underline" href={`/partner/certificates/${r.certificateId}`} data-testid="certificate-link">details, renewal and revocation</Link>]] as [string, ReactNode][])
                  : []),
              ]}
            />
          </Card>
          <Card title="Checks">
            <p className="mb-3 text-sm text-slate-600">Run when you submitted; officers see the same list, and they run again when the certificate is signed.</p>
            <CheckList checks={r.checks} />
          </Card>
        </div>
        <div className="grid gap-6">
          <Card title="Timeline">
            <ol className="grid gap-3 border-l-2 border-slate-200 pl-4 text-sm" aria-label="Timeline">
              {r.timeline.map((t, i) => (
                <li key={i} data-event={t.event}>
                  <p className="font-medium text-slate-900">
                    {EVENT_LABEL[t.event]}
                    {t.by ? <span className="font-normal text-slate-600"> by {t.by}</span> : null}
                  </p>
                  <p className="text-xs text-slate-500">{formatTime(t.at)}</p>
                  {t.detail ? <p className="mt-0.5 break-words text-slate-700">{t.detail}</p> : null}
                </li>
              ))}
              {r.status === "pending" ? (
                <li className="text-slate-500" data-event="waiting">
                  Waiting for {waiting === 1 ? "one more approval" : `${waiting} more approvals`}
                  {r.approvalsRequired > 1 ? " from different officers" : ""}.
                </li>
              ) : null}
            </ol>
          </Card>
          {material && r.certificateId ? (
            <Card title="Downloads">
              <CertificateDownloads id={r.certificateId} environment={r.environment} material={material} />
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  );
}
