import { type Actor, authorize } from "@/lib/auth/actor";
import { crossOrgOverlaps, getAllowlistRequest, listAllowlistEntries, listAllowlistRequests, listAllowlistRequestsPage } from "@/lib/services/allowlist/allowlist-requests";

/** One allowlist request with what a reviewer weighs: warnings, overlaps with other organisations, and the organisation's current entries. */
export async function getAllowlistReview(actor: Actor, id: string) {
  authorize(actor, "allowlist:decide");
  const request = await getAllowlistRequest(actor, id);
  const [overlaps, entries] = await Promise.all([crossOrgOverlaps(actor, request.id), listAllowlistEntries(actor, { environment: request.environment })]);
  return { request, overlaps, current: entries.filter((e) => e.organisation === request.organisation) };
}

export type AllowlistReview = Awaited<ReturnType<typeof getAllowlistReview>>;

/**
 * One page of pending allowlist requests with their reviews, oldest first; with `recentMinutes`,
 * the first page (the one with no page before it, however it was reached) also holds those
 * decided in that window, so a decision made on the page stays on screen with its outcome
 * instead of vanishing. The cursors page the pending requests.
 */
export async function listAllowlistReviewsPage(
  actor: Actor,
  filters: { environment?: string; organisation?: string; recentMinutes?: number; limit?: number; cursor?: string; before?: string } = {},
) {
  authorize(actor, "allowlist:decide");
  const { recentMinutes, limit, cursor, before, ...where } = filters;
  const decidedRecently = async () => {
    if (!recentMinutes) return [];
    const [approved, rejected] = await Promise.all([listAllowlistRequests(actor, { status: "approved", ...where, limit: 50 }), listAllowlistRequests(actor, { status: "rejected", ...where, limit: 50 })]);
    const since = Date.now() - recentMinutes * 60_000;
    return [...approved, ...rejected].filter((r) => r.decidedAt && r.decidedAt.getTime() >= since);
  };
  const readPending = () => listAllowlistRequestsPage(actor, { status: "pending", ...where, limit, cursor, before });
  // Without a cursor this is the first page: read both at once; with one, only once it shows to be.
  const [pending, early] = !cursor && !before ? await Promise.all([readPending(), decidedRecently()]) : [await readPending(), null];
  const recent = early ?? (pending.prevCursor === null ? await decidedRecently() : []);
  const requests = [...pending.requests, ...recent].sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  return { reviews: await Promise.all(requests.map((r) => getAllowlistReview(actor, r.id))), nextCursor: pending.nextCursor, prevCursor: pending.prevCursor };
}

/** Every pending allowlist request with its review, oldest first: the first page (see listAllowlistReviewsPage). */
export async function listAllowlistReviews(actor: Actor, filters: { environment?: string; organisation?: string; recentMinutes?: number } = {}) {
  return (await listAllowlistReviewsPage(actor, filters)).reviews;
}
