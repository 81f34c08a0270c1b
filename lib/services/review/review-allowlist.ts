import { type Actor, authorize } from "@/lib/auth/actor";
import { crossOrgOverlaps, getAllowlistRequest, listAllowlistEntries, listAllowlistRequests } from "@/lib/services/allowlist/allowlist-requests";

/** One allowlist request with what a reviewer weighs: warnings, overlaps with other organisations, and the organisation's current entries. */
export async function getAllowlistReview(actor: Actor, id: string) {
  authorize(actor, "allowlist:decide");
  const request = await getAllowlistRequest(actor, id);
  const [overlaps, entries] = await Promise.all([crossOrgOverlaps(actor, request.id), listAllowlistEntries(actor, { environment: request.environment })]);
  return { request, overlaps, current: entries.filter((e) => e.organisation === request.organisation) };
}

export type AllowlistReview = Awaited<ReturnType<typeof getAllowlistReview>>;

/**
 * Every pending allowlist request with its review, oldest first; with
 * `recentMinutes`, also those decided in that window (so a decision made on the
 * page stays on screen with its outcome instead of vanishing).
 */
export async function listAllowlistReviews(actor: Actor, filters: { environment?: string; organisation?: string; recentMinutes?: number } = {}) {
  authorize(actor, "allowlist:decide");
  const { recentMinutes, ...where } = filters;
  const [pending, approved, rejected] = await Promise.all([
    listAllowlistRequests(actor, { status: "pending", ...where }),
    recentMinutes ? listAllowlistRequests(actor, { status: "approved", ...where, limit: 50 }) : [],
    recentMinutes ? listAllowlistRequests(actor, { status: "rejected", ...where, limit: 50 }) : [],
  ]);
  const since = Date.now() - (recentMinutes ?? 0) * 60_000;
  const recent = [...approved, ...rejected].filter((r) => r.decidedAt && r.decidedAt.getTime() >= since);
  const requests = [...pending, ...recent].sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  return Promise.all(requests.map((r) => getAllowlistReview(actor, r.id)));
}
