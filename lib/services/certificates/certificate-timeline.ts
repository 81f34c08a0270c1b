import { getDb } from "@/lib/db/client";
import { servicePurpose } from "./service-certificates";

/**
 * A certificate's history as partners and officers see it (and `GET /api/v1/certificates/{id}`
 * returns it): issued (from which request), each successful connectivity test, revocation with its
 * reason, expiry. Derived here only, from the certificate row and its connectivity tests.
 */
export type TimelineEvent =
  | { type: "issued"; at: Date; message: string; requestId: string | null; renews: string | null }
  | { type: "connectivity_verified"; at: Date; message: string; sourceIp: string; environment: string }
  | { type: "revoked"; at: Date; message: string; reason: string | null }
  | { type: "expired"; at: Date; message: string };

export type CertificateTimeline = {
  /** Oldest first. */
  events: TimelineEvent[];
  /** Successful tests older than the newest MAX_VERIFICATIONS, counted but not listed (a monitor may test every minute). */
  omittedVerifications: number;
};

export const MAX_VERIFICATIONS = 50;

type TimelineRow = {
  id: string;
  createdAt: Date;
  notAfter: Date;
  orgId: string | null;
  profileCode: string;
  requestId: string | null;
  renewsCertificateId: string | null;
  revokedAt: Date | null;
  revocationReason: string | null;
};

/** UTC to the second, as the pages and the audit trail show time. */
const when = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;

function issuedMessage(row: TimelineRow): string {
  const service = servicePurpose(row);
  if (service) return `Issued at ${when(row.createdAt)} to the ${service}${row.renewsCertificateId ? ", replacing its previous server certificate" : ""}`;
  const parts = [`Issued at ${when(row.createdAt)}`];
  if (row.requestId) parts.push(`on approval of certificate request ${row.requestId.slice(0, 8)}`);
  if (row.renewsCertificateId) parts.push("renewing an earlier certificate");
  return parts.join(", ");
}

/** The timeline of a certificate the caller may already see (callers scope and authorize the row). */
export async function certificateTimeline(row: TimelineRow, now = new Date()): Promise<CertificateTimeline> {
  const db = getDb();
  const where = { certificateId: row.id, ok: true };
  const tests = await db.connectivityTest.findMany({ where, orderBy: { at: "desc" }, take: MAX_VERIFICATIONS, select: { at: true, sourceIp: true, envCode: true } });
  // Counted only when the list is full; a test recorded between the two reads must not make the difference negative.
  const omitted = tests.length < MAX_VERIFICATIONS ? 0 : Math.max(0, (await db.connectivityTest.count({ where })) - tests.length);
  const events: TimelineEvent[] = [];
  for (const t of tests.reverse()) {
    events.push({ type: "connectivity_verified", at: t.at, message: `Connectivity verified at ${when(t.at)} from ${t.sourceIp}`, sourceIp: t.sourceIp, environment: t.envCode });
  }
  if (row.revokedAt) events.push({ type: "revoked", at: row.revokedAt, message: `Revoked at ${when(row.revokedAt)}, reason: ${row.revocationReason ?? "unspecified"}`, reason: row.revocationReason });
  if (row.notAfter.getTime() <= now.getTime()) events.push({ type: "expired", at: row.notAfter, message: `Expired at ${when(row.notAfter)}` });
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  // Issue comes first: everything else happens to the certificate it created.
  events.unshift({ type: "issued", at: row.createdAt, message: issuedMessage(row), requestId: row.requestId, renews: row.renewsCertificateId });
  return { events, omittedVerifications: omitted };
}
