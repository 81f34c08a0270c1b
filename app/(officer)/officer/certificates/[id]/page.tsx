import Link from "next/link";
import { Card, PageTitle } from "@/components/ui/card";
import { StatusBadge } from "@/components/ui/badge";
import { DetailList, Mono } from "@/components/ui/details";
import { colonHex, formatTime } from "@/components/ui/format";
import { CertificateTimeline } from "@/components/certificates/certificate-timeline";
import { RevokeForm } from "@/components/officer/revoke-form";
import { requirePageActor } from "@/lib/auth/web-actor";
import { getCertificateDetails } from "@/lib/services/certificates/certificate-details";
import { allowedRevocationReasons } from "@/lib/services/certificates/revoke-certificate";
import { orNotFound } from "../../_shared/page-data";

export const dynamic = "force-dynamic";

const DOWNLOADS = [
  { format: "pem", label: "Certificate (PEM)" },
  { format: "chain", label: "Chain, leaf first (PEM)" },
  { format: "chain-root-first", label: "Chain, root first (PEM)" },
  { format: "der", label: "Certificate (DER)" },
  { format: "p7b", label: "PKCS#7 (.p7b)" },
  { format: "zip", label: "Bundle (.zip)" },
];

export default async function CertificatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePageActor("area:officer", `/officer/certificates/${id}`);
  const { certificate: c, info, timeline } = await orNotFound(getCertificateDetails(actor, id));
  const key = info.publicKey.algorithm === "rsa" ? `RSA ${info.publicKey.bits}` : `ECDSA ${info.publicKey.curve ?? ""}`;
  return (
    <div className="grid gap-6">
      <PageTitle subtitle={<span className="break-all">{c.subject}</span>}>
        <span className="mr-2">Certificate</span>
        <span data-testid="certificate-status">
          <StatusBadge status={c.status} />
        </span>
      </PageTitle>
      <div className="grid items-start gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="grid gap-6">
          <Card title="Details">
            <DetailList
              label="Certificate details"
              items={[
                ["Serial", <Mono key="s"><span data-testid="serial">{colonHex(c.serial)}</span></Mono>],
                ["Subject", c.subject],
                ["Issuer", info.issuerString],
                [
                  "Organisation",
                  c.organisation
                    ? `${c.organisation} · ${c.organisationName}`
                    : c.service
                      ? `none: the ${c.service}'s own server certificate (key kept only in its memory, renewed automatically before expiry)`
                      : "provider",
                ],
                ["Environment", `${c.environment} · ${c.environmentName}`],
                ["Profile", c.profile],
                ["Valid", `${formatTime(c.notBefore)} → ${formatTime(c.notAfter)}`],
                ["Key", key],
                ["Extended key usage", info.extendedKeyUsage.join(", ") || "none"],
                ["Subject alternative names", [...info.sans.dns.map((d) => `DNS:${d}`), ...info.sans.ip.map((i) => `IP:${i}`)].join(", ") || "none"],
                ["SHA-256 fingerprint", <Mono key="f">{info.sha256Fingerprint}</Mono>],
                ["Public key SHA-256", <Mono key="k">{colonHex(c.publicKeyFingerprint)}</Mono>],
                ["Request", c.requestId ? <Link key="r" className="text-sky-800 underline" href={`/officer/requests/${c.requestId}`}>review page</Link> : "—"],
                ["Renews", c.renews ? <Link key="rn" className="text-sky-800 underline" href={`/officer/certificates/${c.renews}`}>predecessor</Link> : "—"],
                [
                  "Renewed by",
                  c.renewedBy.length
                    ? c.renewedBy.map((r) => (
                        <Link key={r.requestId} className="mr-2 text-sky-800 underline" href={r.certificateId ? `/officer/certificates/${r.certificateId}` : `/officer/requests/${r.requestId}`}>
                          {r.status}
                        </Link>
                      ))
                    : "—",
                ],
                ...(c.revokedAt ? ([["Revoked", `${formatTime(c.revokedAt)} (${c.revocationReason})`]] as [string, string][]) : []),
              ]}
            />
          </Card>
          <Card title="Timeline">
            <CertificateTimeline timeline={timeline} area="officer" />
          </Card>
        </div>
        <div className="grid gap-6">
          <Card title="Downloads">
            <ul className="grid gap-1 text-sm" aria-label="Downloads">
              {DOWNLOADS.map((d) => (
                <li key={d.format}>
                  <a className="text-sky-800 underline" href={`/officer/certificates/${c.id}/download?format=${d.format}`} download>
                    {d.label}
                  </a>
                </li>
              ))}
              <li className="pt-2 text-slate-600">
                CRL for {c.environment}:{" "}
                <a className="text-sky-800 underline" href={`/crl/${c.environment}.crl`}>
                  issuing CA
                </a>
                ,{" "}
                <a className="text-sky-800 underline" href={`/crl/${c.environment}-root.crl`}>
                  root
                </a>
              </li>
            </ul>
          </Card>
          <Card title="Revocation">
            <RevokeForm id={c.id} serial={colonHex(c.serial)} revoked={c.status === "revoked"} reasons={[...allowedRevocationReasons(actor, info.isCa)]} />
          </Card>
        </div>
      </div>
    </div>
  );
}
