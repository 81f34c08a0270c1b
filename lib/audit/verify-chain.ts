import { getDb, type Tx } from "@/lib/db/client";
import { GENESIS_HASH, auditHash } from "@/lib/audit/hash";

export type ChainReport = { ok: true; rows: number } | { ok: false; rows: number; brokenAt: string; reason: string };

/** Walk the audit chain in order; name the first row whose hash or link does not hold. */
export async function verifyAuditChain(db: Pick<Tx, "auditEvent"> = getDb()): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let rows = 0;
  let cursor: bigint | undefined;
  for (;;) {
    const batch = await db.auditEvent.findMany({
      where: cursor === undefined ? {} : { seq: { gt: cursor } },
      orderBy: { seq: "asc" },
      take: 1000,
    });
    if (!batch.length) return { ok: true, rows };
    for (const r of batch) {
      rows++;
      const label = `event #${r.seq} (${r.id}, ${r.action} at ${r.at.toISOString()})`;
      if (r.prevHash !== prev) return { ok: false, rows, brokenAt: label, reason: "its link to the previous event does not match (an event before it was deleted or altered)" };
      const expected = auditHash({ ...r, details: r.details });
      if (expected !== r.hash) return { ok: false, rows, brokenAt: label, reason: "its content does not match its hash (the event was altered)" };
      prev = r.hash;
      cursor = r.seq;
    }
  }
}
