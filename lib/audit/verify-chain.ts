import { getDb, type Tx } from "@/lib/db/client";
import { GENESIS_HASH, auditHash } from "@/lib/audit/hash";

export type ChainReport =
  | { ok: true; rows: number; head: { seq: string; hash: string } | null }
  | { ok: false; rows: number; verified: number; brokenAt: string; reason: string };

/**
 * Walk the audit chain in order; name the first row whose hash or link does not hold.
 * The chain's head (written with every event) anchors its end: events deleted from the
 * end of the trail, which leave every remaining link intact, are reported too. Events
 * written after the head was read are left for the next run.
 */
export async function verifyAuditChain(db: Pick<Tx, "auditEvent" | "auditChainHead"> = getDb()): Promise<ChainReport> {
  const head = await db.auditChainHead.findUnique({ where: { id: 1 } });
  let prev = GENESIS_HASH;
  let rows = 0;
  let last: { seq: bigint; label: string } | null = null;
  let cursor: bigint | undefined;
  const broken = (brokenAt: string, reason: string): ChainReport => ({ ok: false, rows, verified: Math.max(0, rows - 1), brokenAt, reason });
  for (;;) {
    const batch = await db.auditEvent.findMany({
      where: { seq: { ...(cursor !== undefined ? { gt: cursor } : {}), ...(head ? { lte: head.seq } : {}) } },
      orderBy: { seq: "asc" },
      take: 1000,
    });
    if (!batch.length) break;
    for (const r of batch) {
      rows++;
      const label = `event #${r.seq} (${r.id}, ${r.action} at ${r.at.toISOString()})`;
      if (r.prevHash !== prev) return broken(label, "its link to the previous event does not match (an event before it was deleted or altered)");
      const expected = auditHash({ ...r, details: r.details });
      if (expected !== r.hash) return broken(label, "its content does not match its hash (the event was altered)");
      prev = r.hash;
      last = { seq: r.seq, label };
      cursor = r.seq;
    }
  }
  if (!head) {
    if (!last) return { ok: true, rows: 0, head: null };
    return { ok: false, rows, verified: rows, brokenAt: "the chain's head", reason: "the head record is missing although events exist (it was deleted)" };
  }
  if (!last || last.seq !== head.seq) {
    return {
      ok: false,
      rows,
      verified: rows,
      brokenAt: last ? `the events after ${last.label}` : "the first event",
      reason: `the chain's head records event #${head.seq} as the newest, but ${last ? `the trail ends at #${last.seq}` : "the trail is empty"}: the newest event(s) were deleted`,
    };
  }
  if (head.hash !== prev) {
    return { ok: false, rows, verified: rows - 1, brokenAt: last.label, reason: "its hash does not match the chain's head (the newest event was replaced)" };
  }
  return { ok: true, rows, head: { seq: head.seq.toString(), hash: head.hash } };
}
