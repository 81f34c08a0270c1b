import Link from "next/link";
import { Card, Empty, PageTitle } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { DetailList, Mono, Notice } from "@/components/ui/details";
import { colonHex, formatDay, formatTime } from "@/components/ui/format";
import { CheckList } from "@/components/officer/check-list";
import { DecisionPanel } from "@/components/officer/decision-panel";
import { RenewalDiff } from "@/components/officer/renewal-diff";
import { requirePageActor } from "@/lib/auth/web-actor";
import { getRequestReview } from "@/lib/services/review/review-request";
import { orNotFound } from "../../_shared/page-data";

export const dynamic = "force-dynamic";

export default async function RequestReviewPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePageActor("area:officer", `/officer/requests/${id}`);
  const review = await orNotFound(getRequestReview(actor, id));
  const { request: r, csr } = review;
  return (
    <div className="grid gap-6">
      <PageTitle
        subtitle={
          <>
            {r.organisationName} ({r.organisation}) · {r.environment} {r.production ? "(production)" : ""} · submitted {formatTime(r.submittedAt)}
            {r.submittedBy ? ` by ${r.submittedBy}` : ""}
          </>
        }
      >
        <span className="mr-2">Certificate request</span>
        <span data-testid="request-status">
          <StatusBadge status={r.status} />
        </span>
      </PageTitle>
      <div className="grid items-start gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="grid gap-6">
          {review.notices.length ? (
            <Notice tone="warn">
              <span className="font-semibold">Look twice before approving</span> (no profile rule fails, but a certificate authority would ask):
              <ul className="mt-1 list-disc pl-5" aria-label="Review notices">
                {review.notices.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </Notice>
          ) : null}
          <Card title="Certificate signing request">
            {csr ? (
              <div className="grid gap-4">
                <DetailList
                  label="CSR"
                  items={[
                    ["Subject (as it will be signed)", <span key="s" data-testid="csr-subject">{csr.subjectString}</span>],
                    ...(csr.csrSubjectString !== null ? [["Subject as the CSR encodes it", <span key="cs" data-testid="csr-subject-original">{csr.csrSubjectString}</span>] as [string, React.ReactNode]] : []),
                    ["Key", csr.key.label + (csr.key.exponent && csr.key.exponent !== 65537 ? ` (e=${csr.key.exponent})` : "")],
                    ["Signature", <span key="sig">{csr.signature.name} {csr.signatureValid ? <Badge tone="good">verifies</Badge> : csr.signatureUnsupported ? <Badge tone="bad">cannot be checked</Badge> : <Badge tone="bad">does not verify</Badge>}</span>],
                    ["Public key SHA-256", <Mono key="fp">{colonHex(csr.publicKeyFingerprint)}</Mono>],
                    ["Profile", r.profile],
                    ["Subject alternative names in the CSR", <span key="csr-sans" data-testid="csr-sans">{csr.sans.length ? csr.sans.map((s) => `${s.type.toUpperCase()}:${s.value}`).join(", ") : "none"}</span>],
                    [
                      "Subject alternative names entered at submission",
                      <span key="entered-sans" data-testid="entered-sans">
                        {[...r.enteredSans.dns.map((d) => `DNS:${d}`), ...r.enteredSans.ip.map((i) => `IP:${i}`)].join(", ") || "none"}
                      </span>,
                    ],
                    [
                      "Requested extensions",
                      csr.requestedExtensions.length ? csr.requestedExtensions.map((e) => `${e.oid}${e.critical ? " (critical)" : ""}`).join(", ") : "none",
                    ],
                  ]}
                />
                <Table
                  label="Subject attributes"
                  head={["Attribute", "Value", "String type"]}
                  rows={csr.subject.map((a) => [
                    <span key="n" title={a.oid}>
                      {a.name}
                    </span>,
                    <span key="v" className="break-all">{a.value}</span>,
                    <code key="t" className="text-xs">{a.valueType}</code>,
                  ])}
                />
                {csr.subjectProblems.length ? <Notice tone="bad">{csr.subjectProblems.join(" ")}</Notice> : null}
                {csr.multiValuedRdns ? <Notice tone="warn">The subject has multi-valued RDNs (attributes joined with “+”).</Notice> : null}
                <details className="text-sm">
                  <summary className="cursor-pointer text-slate-600">PEM</summary>
                  <pre className="mt-2 overflow-x-auto rounded bg-slate-100 p-3 text-xs">{csr.pem}</pre>
                </details>
              </div>
            ) : (
              <Notice tone="bad">The stored CSR can no longer be read: {review.csrError}</Notice>
            )}
          </Card>

          <Card title="Checks">
            <p className="mb-3 text-sm text-slate-600">
              Stored at submission{r.status === "issued" ? " and re-run at signing" : ""}. The final approval runs them again against the current profile.
            </p>
            <CheckList checks={r.checks} />
          </Card>

          {review.draftLints ? (
            <Card title="Pre-issuance lints (draft certificate)">
              <p className="mb-3 text-sm text-slate-600">
                RFC 5280 rules checked on the unsigned certificate an approval would sign now. A failing lint stops issuance; nothing is signed.
              </p>
              <CheckList label="Pre-issuance lints" checks={review.draftLints.map((l) => ({ code: l.name, result: l.result, message: l.message }))} />
            </Card>
          ) : null}

          <Card title="Key reuse">
            {review.keyReuse.length ? (
              <>
                <Notice tone="bad">This public key has been seen elsewhere. Every CSR should carry a new key.</Notice>
                <ul className="mt-3 grid gap-1 text-sm" aria-label="Key reuse">
                  {review.keyReuse.map((h) => (
                    <li key={`${h.kind}-${h.id}`}>
                      <Link className="text-sky-800 underline" href={h.kind === "request" ? `/officer/requests/${h.id}` : `/officer/certificates/${h.id}`}>
                        {h.kind === "request" ? "Request" : "Certificate"} {h.id.slice(0, 8)}
                      </Link>{" "}
                      · {h.orgCode} · {h.envCode} · <StatusBadge status={h.status} />
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <Empty>This public key is not used by any other pending request or any certificate.</Empty>
            )}
          </Card>

          {review.renewal ? (
            <Card title="Renewal: compared with the predecessor">
              <p className="mb-3 text-sm">
                Renews{" "}
                <Link className="text-sky-800 underline" href={`/officer/certificates/${review.renewal.certificateId}`}>
                  certificate {colonHex(review.renewal.serial).slice(0, 23)}…
                </Link>{" "}
                <StatusBadge status={review.renewal.status} />
              </p>
              <RenewalDiff rows={review.renewal.diff} />
            </Card>
          ) : null}

          <Card title={`History of ${r.organisation}`}>
            <div className="grid gap-4">
              <h3 className="text-sm font-semibold text-slate-700">Other requests</h3>
              {review.history.requests.length ? (
                <Table
                  label="Organisation requests"
                  head={["Submitted", "Environment", "Subject", "Status"]}
                  rows={review.history.requests.map((h) => [
                    formatDay(h.submittedAt),
                    h.environment,
                    <Link key="l" className="break-all text-sky-800 underline" href={`/officer/requests/${h.id}`}>
                      {h.subject}
                    </Link>,
                    <StatusBadge key="s" status={h.status} />,
                  ])}
                />
              ) : (
                <Empty>No other requests.</Empty>
              )}
              <h3 className="text-sm font-semibold text-slate-700">Certificates</h3>
              {review.history.certificates.length ? (
                <Table
                  label="Organisation certificates"
                  head={["Serial", "Environment", "Subject", "Expires", "Status"]}
                  rows={review.history.certificates.map((c) => [
                    <Link key="l" className="text-sky-800 underline" href={`/officer/certificates/${c.id}`}>
                      <Mono>{c.serial.slice(0, 12)}…</Mono>
                    </Link>,
                    c.environment,
                    <span key="s" className="break-all">{c.subject}</span>,
                    formatDay(c.notAfter),
                    <StatusBadge key="st" status={c.status} />,
                  ])}
                />
              ) : (
                <Empty>No certificates yet.</Empty>
              )}
            </div>
          </Card>
        </div>

        <div className="grid gap-6 lg:sticky lg:top-4">
          <Card title="Decision">
            <DecisionPanel
              kind="certificate"
              id={r.id}
              status={r.status}
              approvals={r.approvals.map((a) => ({ officer: a.officer, email: a.email, comment: a.comment, at: formatTime(a.at) }))}
              approvalsRequired={r.approvalsRequired}
              approvedByMe={r.approvals.some((a) => a.officerId === actor.userId)}
              submittedByMe={r.submittedById === actor.userId}
              rejectionReason={r.rejectionReason}
            />
            {r.certificateId ? (
              <p className="mt-4 text-sm">
                <Link className="text-sky-800 underline" href={`/officer/certificates/${r.certificateId}`} data-testid="issued-certificate">
                  View the issued certificate
                </Link>
              </p>
            ) : null}
          </Card>
          <Card title="Timeline">
            <ol className="grid gap-2 text-sm" aria-label="Timeline">
              {r.timeline.map((t, i) => (
                <li key={i}>
                  <span className="text-slate-500">{formatTime(t.at)}</span> · <strong>{t.event}</strong>
                  {t.by ? ` by ${t.by}` : ""}
                  {t.detail ? <span className="block text-slate-600">{t.detail}</span> : null}
                </li>
              ))}
            </ol>
          </Card>
        </div>
      </div>
    </div>
  );
}
