import type { ReactNode } from "react";
import Link from "next/link";
import { Card, PageTitle } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/badge";
import { DetailList, Mono, Notice } from "@/components/ui/details";
import { colonHex, formatTime } from "@/components/ui/format";
import { CertificateTimeline } from "@/components/certificates/certificate-timeline";
import { CertificateDownloads } from "@/components/partner/certificate-downloads";
import { RevokeOwnForm } from "@/components/partner/revoke-own-form";
import { requirePageActor } from "@/lib/auth/web-actor";
import { getCertificateDetails } from "@/lib/services/certificates/certificate-details";
import { certificateMaterial } from "@/lib/services/certificates/download-certificate";
import { PARTNER_REVOCATION_REASONS } from "@/lib/services/certificates/revoke-certificate";
import { orNotFound } from "../../_shared/page-data";

export const dynamic = "force-dynamic";

export default async function PartnerCertificatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePageActor("area:partner", `/partner/certificates/${id}`);
  const { certificate: c, info, timeline } = await orNotFound(getCertificateDetails(actor, id));
  const material = await certificateMaterial(actor, c.id);
  const key = info.publicKey.algorithm === "rsa" ? `RSA ${info.publicKey.bits}` : `ECDSA ${info.publicKey.curve ?? ""}`;
  const renewable = c.status === "valid" || c.status === "expiring";
  const renewUrl = `/partner/requests/new?env=${c.environment}&profile=${encodeURIComponent(c.profile)}&renews=${c.id}`;
  const openRenewal = c.renewedBy.find((r) => r.status === "pending");
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={<span className="break-all">{c.subject}</span>}>
        <span className="mr-2">Certificate</span>
        <span data-testid="certificate-status">
          <StatusBadge status={c.status} />
        </span>
      </PageTitle>
      {c.status === "expiring" ? <Notice tone="warn">This certificate expires on {formatTime(c.notAfter)}. Renew it now so the new one is in place in time.</Notice> : null}
      <div className="grid items-start gap-6 lg:grid-cols-[3fr_2fr]">
        <div className="grid gap-6">
          <Card
            title="Details"
            actions={
              renewable ? (
                <Link href={renewUrl} className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
                  Renew
                </Link>
              ) : null
            }
          >
            <DetailList
              label="Certificate details"
              items={[
                ["Serial", <Mono key="s"><span data-testid="serial">{colonHex(c.serial)}</span></Mono>],
                ["Subject", c.subject],
                ["Issuer", info.issuerString],
                ["Environment", `${c.environment} · ${c.environmentName}`],
                ["Profile", c.profile],
                ["Valid", `${formatTime(c.notBefore)} → ${formatTime(c.notAfter)}`],
                ["Key", key],
                ["Extended key usage", info.extendedKeyUsage.join(", ") || "none"],
                ["Subject alternative names", [...info.sans.dns.map((d) => `DNS:${d}`), ...info.sans.ip.map((i) => `IP:${i}`)].join(", ") || "none"],
                ["SHA-256 fingerprint", <Mono key="f">{info.sha256Fingerprint}</Mono>],
                ["Public key SHA-256", <Mono key="k">{colonHex(c.publicKeyFingerprint)}</Mono>],
                ["Request", c.requestId ? <Link key="r" className="text-sky-800 underline" href={`/partner/requests/${c.requestId}`}>request page</Link> : "—"],
                ["Renews", c.renews ? <Link key="rn" className="text-sky-800 underline" href={`/partner/certificates/${c.renews}`}>previous certificate</Link> : "—"],
                [
                  "Renewed by",
                  c.renewedBy.length
                    ? c.renewedBy.map((r) => (
                        <Link key={r.requestId} className="mr-2 text-sky-800 underline" href={r.certificateId ? `/partner/certificates/${r.certificateId}` : `/partner/requests/${r.requestId}`}>
                          {r.certificateId ? "new certificate" : "request"} ({r.status})
                        </Link>
                      ))
                    : "—",
                ],
                ...(c.revokedAt ? ([["Revoked", `${formatTime(c.revokedAt)} (${c.revocationReason})`]] as [string, ReactNode][]) : []),
              ]}
            />
            {openRenewal ? (
              <p className="mt-3 text-sm text-slate-600">
                A renewal is pending:{" "}
                <Link className="text-sky-800 underline" href={`/partner/requests/${openRenewal.requestId}`}>
                  see the request
                </Link>
                .
              </p>
            ) : null}
          </Card>
          <Card title="Timeline">
            <CertificateTimeline timeline={timeline} area="partner" />
          </Card>
          <Card title="Revocation">
            <RevokeOwnForm id={c.id} serial={colonHex(c.serial)} revoked={c.status === "revoked"} reasons={[...PARTNER_REVOCATION_REASONS]} />
          </Card>
        </div>
        <Card title="Downloads">
          <CertificateDownloads id={c.id} environment={c.environment} material={material} revoked={c.status === "revoked"} />
        </Card>
      </div>
    </div>
  );
}
