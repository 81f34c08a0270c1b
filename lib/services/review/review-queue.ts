import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { parseInput } from "@/lib/validation";
import { orgWhere } from "@/lib/services/scope";
import { certificateRequestsOldestFirst, listCertificateRequestsPage } from "@/lib/services/requests/read-requests";
import { allowlistRequestsOldestFirst, listAllowlistRequestsPage } from "@/lib/services/allowlist/allowlist-requests";
import { defineKeyset, pageParams } from "@/lib/db/keyset";

const queueKeyset = defineKeyset("review-queue", [{ field: "submittedAt", type: "date" }], "asc");

export const REQUEST_TYPES = ["certificate", "allowlist"] as const;

export const reviewQueueSchema = z.object({
  environment: z.string().trim().max(32).optional().transform((v) => v || undefined),
  organisation: z.string().trim().max(64).optional().transform((v) => v || undefined),
  type: z
    .enum(["all", ...REQUEST_TYPES], { message: "type is all, certificate or allowlist." })
    .optional()
    .transform((v) => v ?? "all"),
  olderThanDays: z
    .union([z.string(), z.number()], { message: "Give a whole number of days." })
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || (typeof v === "string" && v.trim() === "")) return undefined;
      const n = typeof v === "number" ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n)) ctx.addIssue({ code: "custom", message: "Give a whole number of days." });
      else if (n > 3650) ctx.addIssue({ code: "custom", message: "At most 3650 days." });
      else return n;
      return z.NEVER;
    }),
  ...pageParams({ defaultLimit: 100, maxLimit: 500 }),
});

export type ReviewQueueFilters = z.input<typeof reviewQueueSchema>;

export type QueueItem = {
  type: "certificate" | "allowlist";
  id: string;
  environment: string;
  production: boolean;
  organisation: string;
  organisationName: string;
  submittedAt: Date;
  submittedBy: string | null;
  /** Subject of a certificate request, or "add 2 entries: …" for an allowlist request. */
  summary: string;
  approvals: number;
  approvalsRequired: number;
  warnings: number;
  failures: number;
  /** Officers who approved already (so the queue can say "you approved"). */
  approvedBy: string[];
};

/**
 * The officers' review queue: pending certificate and allowlist requests of every
 * organisation and environment, oldest first (the longest-waiting partner first).
 */
export async function listReviewQueue(actor: Actor, filters: ReviewQueueFilters = {}) {
  authorize(actor, "request:decide");
  authorize(actor, "allowlist:decide");
  const f = parseInput(reviewQueueSchema, filters);
  // One keyset page over both kinds: the cursor names the last item shown by (submittedAt, id), and
  // each kind is read from there (its own keyset, same order). The first `limit` of each kind hold
  // the first `limit` of both together.
  // With `before` (a page's prevCursor), each kind is read backwards from there and the last
  // `limit` of both together are the page before.
  const back = !f.cursor && !!f.before;
  const at = f.cursor ? queueKeyset.decode(f.cursor) : f.before ? queueKeyset.decode(f.before, "before") : null;
  const from = (ks: { encode: (row: { id: string; createdAt: Date }) => string }) => {
    if (!at) return {};
    const c = ks.encode({ id: at.id, createdAt: at.values[0] as Date });
    return back ? { before: c } : { cursor: c };
  };
  const common = { status: "pending" as const, environment: f.environment, organisation: f.organisation, olderThanDays: f.olderThanDays, limit: f.limit };
  const [certificates, allowlists] = await Promise.all([
    f.type === "allowlist" ? null : listCertificateRequestsPage(actor, { ...common, ...from(certificateRequestsOldestFirst) }),
    f.type === "certificate" ? null : listAllowlistRequestsPage(actor, { ...common, ...from(allowlistRequestsOldestFirst) }),
  ]);
  const items: QueueItem[] = [
    ...(certificates?.requests ?? []).map((r) => ({
      type: "certificate" as const,
      id: r.id,
      environment: r.environment,
      production: r.production,
      organisation: r.organisation,
      organisationName: r.organisationName,
      submittedAt: r.submittedAt,
      submittedBy: r.submittedBy,
      summary: r.renews ? `${r.subject} (renewal)` : r.subject,
      approvals: r.approvals.length,
      approvalsRequired: r.approvalsRequired,
      warnings: r.checks.filter((c) => c.result === "warn").length,
      failures: r.checks.filter((c) => c.result === "fail").length,
      approvedBy: r.approvals.flatMap((a) => (a.officerId ? [a.officerId] : [])),
    })),
    ...(allowlists?.requests ?? []).map((r) => ({
      type: "allowlist" as const,
      id: r.id,
      environment: r.environment,
      production: r.production,
      organisation: r.organisation,
      organisationName: r.organisationName,
      submittedAt: r.submittedAt,
      submittedBy: r.submittedBy,
      summary: `${r.kind === "add" ? "Add" : "Remove"} ${r.entries.map((e) => e.cidr).join(", ")}`,
      approvals: r.approvals.length,
      approvalsRequired: r.approvalsRequired,
      warnings: r.entries.reduce((n, e) => n + e.warnings.length, 0),
      failures: 0,
      approvedBy: r.approvals.flatMap((a) => (a.officerId ? [a.officerId] : [])),
    })),
  ];
  items.sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = back ? items.slice(-f.limit) : items.slice(0, f.limit);
  const first = page[0];
  const last = page[page.length - 1];
  if (back) {
    const earlier = items.length > f.limit || !!certificates?.prevCursor || !!allowlists?.prevCursor;
    return { filters: f, items: page, prevCursor: earlier && first ? queueKeyset.encode(first) : null, nextCursor: last ? queueKeyset.encode(last) : null };
  }
  const more = items.length > f.limit || !!certificates?.nextCursor || !!allowlists?.nextCursor;
  return { filters: f, items: page, prevCursor: at && first ? queueKeyset.encode(first) : null, nextCursor: more && last ? queueKeyset.encode(last) : null };
}

/** Pending counts for the officer navigation. */
export async function countPendingReviews(actor: Actor) {
  authorize(actor, "request:read");
  authorize(actor, "allowlist:read");
  const db = getDb();
  const [certificate, allowlist] = await Promise.all([
    db.certificateRequest.count({ where: { ...orgWhere(actor), status: "pending" } }),
    db.allowlistRequest.count({ where: { ...orgWhere(actor), status: "pending" } }),
  ]);
  return { certificate, allowlist, total: certificate + allowlist };
}
