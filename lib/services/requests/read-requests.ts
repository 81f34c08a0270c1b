import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import type { Check } from "@/lib/policy/checks";
import { parseInput } from "@/lib/validation";
import { assertId, orgWhere } from "@/lib/services/scope";
import { type ApprovalView, forAudience } from "./approvals";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { defineKeyset, pageParams } from "@/lib/db/keyset";

// Every column a request view shows; not the CSR bytes (getRequestCsr reads those for one request).
const select = {
  id: true,
  orgId: true,
  envId: true,
  profileCode: true,
  subject: true,
  keyType: true,
  publicKeyFingerprint: true,
  checks: true,
  enteredDnsSans: true,
  enteredIpSans: true,
  status: true,
  submittedById: true,
  renewsCertificateId: true,
  rejectionReason: true,
  confirmedAt: true,
  decidedAt: true,
  createdAt: true,
  updatedAt: true,
  org: { select: { code: true, legalName: true } },
  env: { select: { code: true, name: true, approvalsRequired: true, production: true } },
  submittedBy: { select: { name: true, email: true } },
  approvals: { include: { officer: { select: { id: true, name: true, email: true } } }, orderBy: { createdAt: "asc" } },
  certificate: { select: { id: true, serialHex: true, notAfter: true, revokedAt: true } },
} satisfies Prisma.CertificateRequestSelect;

type Row = Prisma.CertificateRequestGetPayload<{ select: typeof select }>;

export type TimelineEvent = { at: Date; event: "submitted" | "confirmed" | "approved" | "rejected" | "issued"; by: string | null; detail: string | null };

export function requestView(r: Row) {
  const approvals: ApprovalView[] = r.approvals
    .filter((a) => a.decision === "approve")
    .map((a) => ({ officerId: a.officer.id, officer: a.officer.name, email: a.officer.email, comment: a.comment, at: a.createdAt }));
  const timeline: TimelineEvent[] = [
    { at: r.createdAt, event: "submitted", by: r.submittedBy?.name ?? null, detail: null },
    // The second partner security officer's confirmation (who: the audit trail, certificate_request.confirm).
    ...(r.confirmedAt ? [{ at: r.confirmedAt, event: "confirmed" as const, by: null, detail: "by a second partner security officer" }] : []),
    ...r.approvals.map((a) => ({
      at: a.createdAt,
      event: a.decision === "approve" ? ("approved" as const) : ("rejected" as const),
      by: a.officer.name,
      detail: a.decision === "reject" ? r.rejectionReason : a.comment,
    })),
  ];
  if (r.status === "issued" && r.certificate) timeline.push({ at: r.decidedAt ?? r.updatedAt, event: "issued", by: null, detail: `Serial ${r.certificate.serialHex}` });
  return {
    id: r.id,
    type: "certificate" as const,
    status: r.status,
    environment: r.env.code,
    environmentName: r.env.name,
    production: r.env.production,
    organisation: r.org.code,
    organisationName: r.org.legalName,
    profile: r.profileCode,
    subject: r.subject,
    keyType: r.keyType,
    publicKeyFingerprint: r.publicKeyFingerprint,
    checks: r.checks as Check[],
    /** SANs the partner typed at submission, apart from the CSR's own. */
    enteredSans: { dns: r.enteredDnsSans, ip: r.enteredIpSans },
    approvals,
    approvalsRequired: r.env.approvalsRequired,
    rejectionReason: r.rejectionReason,
    certificateId: r.certificate?.id ?? null,
    renews: r.renewsCertificateId,
    submittedAt: r.createdAt,
    submittedBy: r.submittedBy?.name ?? null,
    submittedById: r.submittedById,
    decidedAt: r.decidedAt,
    timeline,
  };
}

export type RequestView = ReturnType<typeof requestView>;

export const listRequestsSchema = z.object({
  status: z.enum(["pending", "issued", "rejected"], { message: "status is pending, issued or rejected." }).optional(),
  environment: z.string().trim().max(32).optional(),
  organisation: z.string().trim().max(64).optional(),
  olderThanDays: z.coerce.number().int().min(0).max(3650).optional(),
  ...pageParams({ defaultLimit: 200, maxLimit: 500 }),
});

type Where = Prisma.CertificateRequestWhereInput;
type Order = Prisma.CertificateRequestOrderByWithRelationInput;
// The review queue works oldest first; lists of finished requests newest first. Two keysets, so a
// cursor of one order is refused by the other. Served by certificate_requests_(status_|org_id_|env_id_)created_at_id_idx.
export const certificateRequestsOldestFirst = defineKeyset<Where, Order>("certificate-requests-oldest", [{ field: "createdAt", type: "date" }], "asc");
const newestFirst = defineKeyset<Where, Order>("certificate-requests-newest", [{ field: "createdAt", type: "date" }], "desc");

/** One page of the requests the caller may see, with the cursors of the next and previous pages (null at either end). */
export async function listCertificateRequestsPage(actor: Actor, filters: z.input<typeof listRequestsSchema> = {}) {
  authorize(actor, "request:read");
  const f = parseInput(listRequestsSchema, filters);
  const env = f.environment ? await requireEnvironment(f.environment) : null;
  const base: Where = {
    ...orgWhere(actor),
    ...(f.status ? { status: f.status } : {}),
    ...(env ? { envId: env.id } : {}),
    ...(f.organisation ? { org: { code: f.organisation } } : {}),
    ...(f.olderThanDays !== undefined ? { createdAt: { lte: new Date(Date.now() - f.olderThanDays * 86_400_000) } } : {}),
  };
  const keyset = f.status === "pending" ? certificateRequestsOldestFirst : newestFirst;
  const page = await keyset.page(f, ({ where, orderBy, take }) => getDb().certificateRequest.findMany({ where: { AND: [base, where] }, select, orderBy, take }));
  return { requests: page.rows.map((r) => forAudience(actor, requestView(r))), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listCertificateRequestsPage). */
export async function listCertificateRequests(actor: Actor, filters: z.input<typeof listRequestsSchema> = {}) {
  return (await listCertificateRequestsPage(actor, filters)).requests;
}

/** One request; another organisation's request is "not found", exactly like a missing id. */
export async function getCertificateRequest(actor: Actor, id: string) {
  authorize(actor, "request:read");
  const row = await getDb().certificateRequest.findFirst({ where: { id: assertId(id, "certificate request"), ...orgWhere(actor) }, select });
  if (!row) throw new AppError("not_found", `No certificate request with id "${id}".`);
  return forAudience(actor, requestView(row));
}

/** The stored CSR of a request (officers review it; partners see their own). */
export async function getRequestCsr(actor: Actor, id: string) {
  authorize(actor, "request:read");
  const row = await getDb().certificateRequest.findFirst({ where: { id: assertId(id, "certificate request"), ...orgWhere(actor) }, select: { csrDer: true } });
  if (!row) throw new AppError("not_found", `No certificate request with id "${id}".`);
  return new Uint8Array(row.csrDer);
}
