import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { assertId, orgWhere } from "@/lib/services/scope";
import { serviceCertificateWhere, servicePurpose } from "./service-certificates";
import { certificateTimeline } from "./certificate-timeline";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { defineKeyset, pageParams } from "@/lib/db/keyset";

export const EXPIRING_DAYS = 30;
const DAY = 86_400_000;

export type CertificateStatus = "valid" | "expiring" | "expired" | "revoked";

/**
 * "expiring" is a call to act (renew within EXPIRING_DAYS). Keyport's own service certificates
 * (the connectivity listener's) are renewed by Keyport, so they are "valid" until they expire.
 */
export function certificateStatus(c: { notAfter: Date; revokedAt: Date | null; orgId: string | null; profileCode: string }, now = Date.now()): CertificateStatus {
  if (c.revokedAt) return "revoked";
  if (c.notAfter.getTime() <= now) return "expired";
  if (c.notAfter.getTime() - now <= EXPIRING_DAYS * DAY && !servicePurpose(c)) return "expiring";
  return "valid";
}

const include = {
  org: { select: { code: true, legalName: true } },
  env: { select: { code: true, name: true } },
  renewalRequests: { select: { id: true, status: true, certificate: { select: { id: true } } } },
} satisfies Prisma.CertificateInclude;

type Row = Prisma.CertificateGetPayload<{ select: typeof listSelect }>;

export function certificateView(c: Row) {
  return {
    id: c.id,
    serial: c.serialHex,
    subject: c.subject,
    environment: c.env.code,
    environmentName: c.env.name,
    organisation: c.org?.code ?? null,
    organisationName: c.org?.legalName ?? null,
    /** For Keyport's own certificates (no organisation): what they serve, e.g. "Keyport connectivity listener". */
    service: servicePurpose(c),
    profile: c.profileCode,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    fingerprint: c.sha256Fingerprint,
    publicKeyFingerprint: c.publicKeyFingerprint,
    status: certificateStatus(c),
    revokedAt: c.revokedAt,
    revocationReason: c.revocationReason,
    requestId: c.requestId,
    renews: c.renewsCertificateId,
    renewedBy: c.renewalRequests.map((r) => ({ requestId: r.id, status: r.status, certificateId: r.certificate?.id ?? null })),
  };
}

export type CertificateView = ReturnType<typeof certificateView>;

export const listCertificatesSchema = z.object({
  environment: z.string().trim().max(32).optional(),
  organisation: z.string().trim().max(64).optional(),
  status: z.enum(["valid", "expiring", "expired", "revoked"], { message: "status is valid, expiring, expired or revoked." }).optional(),
  /** Serial (hex, colons allowed), SHA-256 fingerprint, or part of the subject/CN. */
  q: z.string().trim().max(200).optional(),
  // Keeps the bounds it had before pagination became shared (clients ask for up to 1000).
  ...pageParams({ defaultLimit: 200, maxLimit: 1000 }),
});

/** What a list row shows: no DER, no CSR, no timeline. */
const listSelect = {
  id: true,
  serialHex: true,
  subject: true,
  orgId: true,
  profileCode: true,
  notBefore: true,
  notAfter: true,
  sha256Fingerprint: true,
  publicKeyFingerprint: true,
  revokedAt: true,
  revocationReason: true,
  requestId: true,
  renewsCertificateId: true,
  ...include,
} satisfies Prisma.CertificateSelect;

// Keyset pagination (issue 21): pages ordered by (notAfter, id), served by certificates_not_after_id_idx
// (and the org/env variants); the cursor codec is lib/db/keyset.ts.
export const certificatesKeyset = defineKeyset<Prisma.CertificateWhereInput, Prisma.CertificateOrderByWithRelationInput>("certificates", [{ field: "notAfter", type: "date" }], "asc");

function statusWhere(status: CertificateStatus | undefined): Prisma.CertificateWhereInput {
  const now = new Date();
  const soon = new Date(now.getTime() + EXPIRING_DAYS * DAY);
  switch (status) {
    case "revoked":
      return { revokedAt: { not: null } };
    case "expired":
      return { revokedAt: null, notAfter: { lte: now } };
    case "expiring":
      return { revokedAt: null, notAfter: { gt: now, lte: soon }, NOT: serviceCertificateWhere };
    case "valid":
      return { revokedAt: null, OR: [{ notAfter: { gt: soon } }, { AND: [serviceCertificateWhere, { notAfter: { gt: now } }] }] };
    default:
      return {};
  }
}

/** LIKE wildcards in a search term are literal characters (Prisma's contains/startsWith do not escape them). */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Search by CN/subject text, or by serial or fingerprint as shown on the pages: whole or a
 * prefix (at least 4 hex digits), with or without colons, any case.
 */
function searchConditions(q: string | undefined): Prisma.CertificateWhereInput {
  if (!q) return {};
  const hex = q.replace(/[:\s]/g, "").toLowerCase();
  const or: Prisma.CertificateWhereInput[] = [{ subject: { contains: likeLiteral(q), mode: "insensitive" } }];
  if (/^[0-9a-f]+$/.test(hex)) {
    const trimmed = hex.replace(/^0+(?=.)/, "");
    const colons = hex.toUpperCase().match(/..?/g)!.join(":");
    if (hex.length >= 4) {
      or.push(
        { serialHex: { startsWith: hex, mode: "insensitive" } },
        { serialHex: { startsWith: trimmed, mode: "insensitive" } },
        { sha256Fingerprint: { startsWith: colons } },
        { publicKeyFingerprint: { startsWith: hex } },
      );
    } else {
      or.push({ serialHex: { equals: hex, mode: "insensitive" } }, { serialHex: { equals: trimmed, mode: "insensitive" } });
    }
  }
  return { OR: or };
}

/** Up to this many matches, a search page is read from the matches themselves; past it, along the list order. */
export const SEARCH_CANDIDATES = 2000;

/**
 * The search as a filter the planner serves well at a million rows. Left to itself, PostgreSQL
 * walks the list order (not_after, id) and tests every row against the OR'ed patterns whenever it
 * guesses many matches, which for a serial prefix that matches one row meant reading the whole
 * table (13 s at 1M, issue 21). So: first collect the matching ids from the search indexes alone
 * (trigram GIN for subject and serial, prefix btrees for the fingerprints: a bitmap scan, never
 * the list order, never the whole table), at most SEARCH_CANDIDATES + 1 of them. Few matches:
 * the page is those ids, sorted. Many: matches are dense along the list order, so walking it with
 * the patterns finds a page quickly. Patterns under 3 characters have no trigrams to look up and
 * keep the plain filter.
 */
async function searchWhere(q: string | undefined): Promise<Prisma.CertificateWhereInput> {
  const where = searchConditions(q);
  if (!q || q.length < 3) return where;
  const db = getDb();
  // Both settings in one statement (set_config(…, true) is SET LOCAL): each round trip counts under load.
  const [, candidates] = await db.$transaction([
    db.$queryRaw`SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)`,
    db.certificate.findMany({ where, select: { id: true }, take: SEARCH_CANDIDATES + 1 }),
  ]);
  return candidates.length > SEARCH_CANDIDATES ? where : { id: { in: candidates.map((c) => c.id) } };
}

/** One page of the certificates the caller may see, soonest to expire first, and the cursor of the next page (null on the last). */
export async function listCertificatesPage(actor: Actor, filters: z.input<typeof listCertificatesSchema> = {}) {
  authorize(actor, "certificate:read");
  const f = parseInput(listCertificatesSchema, filters);
  const env = f.environment ? await requireEnvironment(f.environment) : null;
  const search = await searchWhere(f.q);
  const page = await certificatesKeyset.page(f, ({ where, orderBy, take }) => getDb().certificate.findMany({
    where: {
      AND: [
        orgWhere(actor),
        env ? { envId: env.id } : {},
        f.organisation ? { org: { code: f.organisation } } : {},
        statusWhere(f.status),
        search,
        where,
      ],
    },
    select: listSelect,
    orderBy,
    take,
  }));
  return { certificates: page.rows.map(certificateView), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listCertificatesPage). */
export async function listCertificates(actor: Actor, filters: z.input<typeof listCertificatesSchema> = {}) {
  return (await listCertificatesPage(actor, filters)).certificates;
}

/** The certificate row for a caller; another organisation's certificate is "not found". */
export async function findCertificateForActor(actor: Actor, id: string) {
  const row = await getDb().certificate.findFirst({ where: { id: assertId(id, "certificate"), ...orgWhere(actor) }, include });
  if (!row) throw certificateNotFound(id);
  return row;
}

const certificateNotFound = (id: string) => new AppError("not_found", `No certificate with id "${id}".`);

/** One certificate with its timeline (issued, connectivity verified, revoked, expired). Only the columns it shows: no DER. */
export async function getCertificate(actor: Actor, id: string) {
  authorize(actor, "certificate:read");
  const row = await getDb().certificate.findFirst({ where: { id: assertId(id, "certificate"), ...orgWhere(actor) }, select: { ...listSelect, createdAt: true } });
  if (!row) throw certificateNotFound(id);
  return { ...certificateView(row), timeline: await certificateTimeline(row) };
}
