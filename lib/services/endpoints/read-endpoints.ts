import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import { parseInput } from "@/lib/validation";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { forAudience } from "@/lib/services/requests/approvals";
import { assertId, orgWhere } from "@/lib/services/scope";
import { requireEnvironment } from "@/lib/services/environments/find-environment";

const include = {
  env: { select: { code: true, approvalsRequired: true } },
  org: { select: { code: true } },
  approvals: { include: { officer: { select: { name: true, email: true } } }, orderBy: { createdAt: "asc" as const } },
  probes: { orderBy: { createdAt: "desc" as const }, take: 1 },
};
type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>["partnerEndpoint"]["findFirst"]>>> & {
  env: { code: string; approvalsRequired: number };
  org: { code: string };
  approvals: { decision: string; comment: string | null; createdAt: Date; officerId: string; officer: { name: string; email: string } }[];
  probes: ProbeRow[];
};
type ProbeRow = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>["readinessProbe"]["findFirst"]>>>;

export function probeView(p: ProbeRow) {
  return {
    id: p.id,
    endpointId: p.endpointId,
    url: p.url,
    outcome: p.outcome,
    httpStatus: p.httpStatus,
    message: p.message,
    error: p.error,
    remoteAddress: p.remoteAddress,
    tlsProtocol: p.tlsProtocol,
    timings: p.timings as { dnsMs: number | null; connectMs: number | null; tlsMs: number | null; httpMs: number | null; totalMs: number },
    peer: p.peer as { subject: string; issuer: string; sha256Fingerprint: string; notBefore: string; notAfter: string; subjectAltName: string | null } | null,
    clientSerial: p.clientSerial,
    startedAt: p.startedAt,
  };
}
export type ProbeView = ReturnType<typeof probeView>;

function view(r: Row) {
  return {
    id: r.id,
    environment: r.env.code,
    organisation: r.org.code,
    kind: r.kind,
    value: r.value,
    note: r.note,
    status: r.status,
    removed: r.removedAt !== null,
    findings: r.findings as { code: string; result: string; message: string }[],
    approvals: r.approvals.filter((a) => a.decision === "approve").map((a) => ({ officer: a.officer.name, email: a.officer.email, officerId: a.officerId, comment: a.comment, at: a.createdAt })),
    approvalsRequired: r.env.approvalsRequired,
    rejectionReason: r.rejectionReason,
    submittedAt: r.createdAt,
    decidedAt: r.decidedAt,
    removedAt: r.removedAt,
    lastProbe: r.probes[0] ? probeView(r.probes[0]) : null,
  };
}
export type EndpointView = ReturnType<typeof view>;

export async function getEndpoint(actor: Actor, id: string) {
  authorize(actor, "endpoint:read");
  const row = await getDb().partnerEndpoint.findFirst({ where: { id: assertId(id, "endpoint"), ...orgWhere(actor) }, include });
  if (!row) throw new AppError("not_found", `No endpoint with id "${id}".`);
  return forAudience(actor, view(row as Row));
}

const STATUSES = ["new", "confirmed", "rejected"] as const;

type Paging = { limit?: unknown; cursor?: string; before?: string };
const pagingOf = (schema: z.ZodType<{ limit: number; cursor?: string; before?: string }>, f: Paging) => parseInput(schema, { limit: f.limit, cursor: f.cursor, before: f.before });
const endpointsPaging = z.object(pageParams({ defaultLimit: 500, maxLimit: 1000 }));
// Newest first (partner_endpoints_(org_id_|env_id_)created_at_id_idx).
const endpointsKeyset = defineKeyset<Prisma.PartnerEndpointWhereInput, Prisma.PartnerEndpointOrderByWithRelationInput>("endpoints", [{ field: "createdAt", type: "date" }], "desc");
type EndpointFilter = { environment?: string; organisation?: string; status?: string; kind?: string; removed?: boolean } & Paging;

/** One page of registry entries (partners: their own), newest first; removed ones only when asked. */
export async function listEndpointsPage(actor: Actor, filter: EndpointFilter = {}) {
  authorize(actor, "endpoint:read");
  if (filter.status && !(STATUSES as readonly string[]).includes(filter.status)) {
    throw new AppError("validation_failed", `Unknown status "${filter.status.slice(0, 32)}"; use one of ${STATUSES.join(", ")}.`, { status: "Unknown status." });
  }
  const paging = pagingOf(endpointsPaging, filter);
  const env = filter.environment ? await requireEnvironment(filter.environment) : null;
  const base: Prisma.PartnerEndpointWhereInput = {
    ...orgWhere(actor),
    ...(env ? { envId: env.id } : {}),
    ...(filter.organisation ? { org: { code: filter.organisation } } : {}),
    ...(filter.status ? { status: filter.status as "new" } : {}),
    ...(filter.kind === "callback_url" || filter.kind === "ingress_cidr" ? { kind: filter.kind } : {}),
    ...(filter.removed ? {} : { removedAt: null }),
  };
  const page = await endpointsKeyset.page(paging, ({ where, orderBy, take }) => getDb().partnerEndpoint.findMany({ where: { AND: [base, where] }, include, orderBy, take }));
  return { endpoints: page.rows.map((r) => forAudience(actor, view(r as Row))), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listEndpointsPage). */
export async function listEndpoints(actor: Actor, filter: EndpointFilter = {}) {
  return (await listEndpointsPage(actor, filter)).endpoints;
}
