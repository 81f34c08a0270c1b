import { getDb, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { type AuditSeal, openAuditSeal } from "@/lib/ca/audit-seal";
import { GENESIS_HASH, KEYED_CHAIN_VERSION, LEGACY_CHAIN_VERSION, keyedAuditHash, legacyAuditHash, pendingAuditMac } from "@/lib/audit/hash";
import { auditSealMaxLagMs } from "@/lib/audit/seal-audit";

/** The prefix an intact walk verified (from its report, verifiedThrough): a later walk can resume after it. */
export type VerifiedThrough = { seq: bigint; hash: string; rows: number; legacyRows: number; keyedFrom: bigint | null };

/** Where an intact report's walk ended, or null for an empty trail or a broken one. */
export function verifiedThrough(report: ChainReport): VerifiedThrough | null {
  if (!report.ok || !report.head) return null;
  return { seq: BigInt(report.head.seq), hash: report.head.hash, rows: report.rows, legacyRows: report.legacyRows, keyedFrom: report.keyedFrom === null ? null : BigInt(report.keyedFrom) };
}

/** What a signed checkpoint says the chain held (its signature is checked before this is used). */
export type CheckpointClaim = { seq: bigint; hash: string; at: Date };

export type ChainReport =
  | {
      ok: true;
      rows: number;
      head: { seq: string; hash: string } | null;
      /** Events of the unkeyed legacy chain (version 1), all before the first keyed one. */
      legacyRows: number;
      /** The first keyed event: its link seals every legacy event before it. */
      keyedFrom: string | null;
      /** The checkpoint the chain was verified through, when one was given. */
      checkpoint: { seq: string; at: string } | null;
      /** Events recorded but not chained yet (their pending MAC checked), and how long the oldest has waited. */
      pending: { count: number; oldestAgeMs: number | null; maxLagMs: number };
    }
  | { ok: false; unverifiable?: false; rows: number; verified: number; brokenAt: string; reason: string }
  /** Not checked (for want of the master key, or under another one): neither intact nor shown broken. */
  | { ok: false; unverifiable: true; rows: number; verified: number; brokenAt: string; reason: string };

type StoredRow = Awaited<ReturnType<Tx["auditEvent"]["findMany"]>>[number];
/** A chained event (the walk reads only events with a seq). */
type Row = StoredRow & { seq: bigint; prevHash: string; hash: string };

const labelOf = (r: Row) => `event #${r.seq} (${r.id}, ${r.action} at ${r.at.toISOString()})`;

/** "#5" or "#5–#7": the seq values between two stored events that hold no event. */
function gapBefore(r: Row, last: { seq: bigint } | null): string {
  if (!last || r.seq <= last.seq + 1n) return "";
  const first = last.seq + 1n;
  const missing = first === r.seq - 1n ? `#${first}` : `#${first}–#${r.seq - 1n}`;
  return `; the trail holds no event between #${last.seq} and #${r.seq} (${missing} missing)`;
}

/**
 * Walk the audit chain in order; name the first row whose hash or link does not hold.
 * Keyed events (version 2) are checked with the master key's audit MAC, which a database
 * administrator cannot recompute; legacy events (version 1, unkeyed SHA-256) are accepted
 * only before the first keyed one, whose link then seals them. The chain's head (written
 * with every event) anchors its end: events deleted from the end of the trail, which leave
 * every remaining link intact, are reported too — unless the head was rolled back with
 * them, which only a checkpoint (a signed seq and hash kept outside the database) shows.
 * Events written after the head was read are left for the next run. Pending events (recorded,
 * not chained yet) are checked against their pending MAC, and the oldest may not have waited
 * longer than the seal bound (auditSealMaxLagMs): past it, the sealer is not running.
 */
export async function verifyAuditChain(
  db: Pick<Tx, "auditEvent" | "auditChainHead"> = getDb(),
  opts: { checkpoint?: CheckpointClaim; after?: VerifiedThrough } = {},
): Promise<ChainReport> {
  const head = await db.auditChainHead.findUnique({ where: { id: 1 } });
  const checkpoint = opts.checkpoint;
  if (checkpoint && opts.after) throw new Error("verifyAuditChain: a checkpoint is checked by a walk from the first event, not after a verified prefix.");
  let prev = GENESIS_HASH;
  let rows = 0;
  let legacyRows = 0;
  let keyedFrom: bigint | null = null;
  let checkpointSeen = false;
  let last: { seq: bigint; label: string; keyed: boolean } | null = null;
  let cursor: bigint | undefined;
  let seal: AuditSeal | null = null;
  const broken = (brokenAt: string, reason: string): ChainReport => ({ ok: false, rows, verified: Math.max(0, rows - 1), brokenAt, reason });
  const unverifiable = (brokenAt: string, reason: string): ChainReport => ({ ok: false, unverifiable: true, rows, verified: Math.max(0, rows - 1), brokenAt, reason });
  const openSeal = (): AuditSeal | string => {
    try {
      return (seal ??= openAuditSeal());
    } catch (e) {
      if (e instanceof AppError) return e.message;
      throw e;
    }
  };
  if (opts.after) {
    // Resume after a prefix an earlier walk verified: its last event must still be the one it was.
    const a = opts.after;
    const tip = await db.auditEvent.findUnique({ where: { seq: a.seq }, select: { hash: true } });
    if (!tip || tip.hash !== a.hash) return broken(`event #${a.seq}`, `it is not the event an earlier check verified (${tip ? "its hash changed" : "it was deleted"}): the trail was rewritten since`);
    ({ rows, legacyRows, keyedFrom } = a);
    prev = a.hash;
    cursor = a.seq;
    last = { seq: a.seq, label: `event #${a.seq}`, keyed: keyedFrom !== null };
    if (keyedFrom !== null) {
      const s = openSeal();
      if (typeof s === "string") return unverifiable(`event #${a.seq}`, `the events after it are sealed with a key derived from the master key, which is needed to check them. ${s}`);
    }
  }
  for (;;) {
    const batch = await db.auditEvent.findMany({
      // Chained events only (pending ones have no seq; they are checked after the walk).
      where: { seq: { not: null, ...(cursor !== undefined ? { gt: cursor } : {}), ...(head ? { lte: head.seq } : {}) } },
      orderBy: { seq: "asc" },
      take: 1000,
    });
    if (!batch.length) break;
    for (const stored of batch) {
      const r = { ...stored, seq: stored.seq!, prevHash: stored.prevHash ?? "", hash: stored.hash ?? "" };
      rows++;
      const label = labelOf(r);
      const gap = gapBefore(r, last);
      if (r.prevHash !== prev) return broken(label, `its link to the previous event does not match (an event before it was deleted or altered)${gap}`);
      if (r.chainVersion === LEGACY_CHAIN_VERSION) {
        if (keyedFrom !== null) {
          return broken(label, `it carries the unkeyed legacy hash after keyed event #${keyedFrom} (legacy events only ever precede keyed ones: it was rewritten)${gap}`);
        }
        if (legacyAuditHash({ ...r, details: r.details }) !== r.hash) return broken(label, `its content does not match its hash (the event was altered)${gap}`);
        legacyRows++;
      } else if (r.chainVersion === KEYED_CHAIN_VERSION) {
        const s = openSeal();
        if (typeof s === "string") {
          return unverifiable(label, `it and the events after it are sealed with a key derived from the master key, which is needed to check them. ${s}`);
        }
        if (keyedAuditHash({ ...r, details: r.details }, s) !== r.hash) {
          if (keyedFrom === null && head?.keyId && head.keyId !== s.keyId) {
            return unverifiable(
              label,
              `the trail is sealed under master key id ${head.keyId}, but the configured master key has id ${s.keyId}. Set KEYPORT_MASTER_KEY (or KEYPORT_MASTER_KEY_FILE) to the key the trail was written with`,
            );
          }
          return broken(label, `its content does not match its hash (the event was altered)${gap}`);
        }
        keyedFrom ??= r.seq;
      } else {
        return broken(label, `its chain version ${r.chainVersion} is unknown (the event was altered)`);
      }
      if (checkpoint && !checkpointSeen && r.seq >= checkpoint.seq) {
        if (r.seq > checkpoint.seq) {
          return broken(`event #${checkpoint.seq}`, `the checkpoint of ${checkpoint.at.toISOString()} records it, but the trail holds no such event (it was deleted)${gap}`);
        }
        if (r.hash !== checkpoint.hash) {
          return broken(label, `its hash is not the one the checkpoint of ${checkpoint.at.toISOString()} records (${checkpoint.hash}): the trail up to it was rewritten, or the checkpoint is another installation's`);
        }
        checkpointSeen = true;
      }
      prev = r.hash;
      last = { seq: r.seq, label, keyed: r.chainVersion === KEYED_CHAIN_VERSION };
      cursor = r.seq;
    }
  }
  if (!head) {
    if (!last) {
      if (checkpoint) return broken("the first event", `the trail is empty, but the checkpoint of ${checkpoint.at.toISOString()} records event #${checkpoint.seq} (every event was deleted)`);
      const pending = await checkPending(db, openSeal, 0);
      if ("ok" in pending) return pending;
      return { ok: true, rows: 0, pending, head: null, legacyRows, keyedFrom: null, checkpoint: null };
    }
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
  const headKeyId = last.keyed ? (seal as AuditSeal | null)?.keyId : null;
  if ((head.keyId ?? null) !== (headKeyId ?? null)) {
    return {
      ok: false,
      rows,
      verified: rows,
      brokenAt: "the chain's head",
      reason: `it names master key id ${head.keyId ?? "(none)"}, but the newest event is ${headKeyId ? `sealed under the configured key (id ${headKeyId})` : "a legacy unkeyed one"} (the head was altered)`,
    };
  }
  if (checkpoint && !checkpointSeen) {
    return {
      ok: false,
      rows,
      verified: rows,
      brokenAt: `the events after ${last.label}`,
      reason: `the checkpoint of ${checkpoint.at.toISOString()} records event #${checkpoint.seq}, but the trail and its head end at #${head.seq}: the newest event(s) were deleted and the head rolled back`,
    };
  }
  const pending = await checkPending(db, openSeal, rows);
  if ("ok" in pending) return pending;
  return {
    ok: true,
    rows,
    pending,
    head: { seq: head.seq.toString(), hash: head.hash },
    legacyRows,
    keyedFrom: keyedFrom?.toString() ?? null,
    checkpoint: checkpoint ? { seq: checkpoint.seq.toString(), at: checkpoint.at.toISOString() } : null,
  };
}

/** Pending events: each one's MAC must hold, and the oldest must be younger than the seal bound. */
async function checkPending(
  db: Pick<Tx, "auditEvent">,
  openSeal: () => AuditSeal | string,
  rows: number,
): Promise<{ count: number; oldestAgeMs: number | null; maxLagMs: number } | ChainReport> {
  const maxLagMs = auditSealMaxLagMs();
  const now = Date.now();
  let count = 0;
  let oldest: Date | null = null;
  let cursor: { at: Date; id: string } | null = null;
  for (;;) {
    const batch: StoredRow[] = await db.auditEvent.findMany({
      where: { seq: null, ...(cursor ? { OR: [{ at: { gt: cursor.at } }, { at: cursor.at, id: { gt: cursor.id } }] } : {}) },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      take: 1000,
    });
    if (!batch.length) break;
    for (const r of batch) {
      const label = `pending event ${r.id} (${r.action} at ${r.at.toISOString()})`;
      const s = openSeal();
      if (typeof s === "string") return { ok: false, unverifiable: true, rows, verified: rows, brokenAt: label, reason: `pending events are MAC'd with a key derived from the master key, which is needed to check them. ${s}` };
      if (r.chainVersion !== KEYED_CHAIN_VERSION || !r.pendingMac || pendingAuditMac(r, s) !== r.pendingMac || r.prevHash !== null || r.hash !== null) {
        return { ok: false, rows, verified: rows, brokenAt: label, reason: "its content does not match the MAC it was recorded with (it was forged or altered before it was sealed)" };
      }
      count++;
      oldest ??= r.at;
      cursor = { at: r.at, id: r.id };
    }
  }
  const oldestAgeMs = oldest ? Math.max(0, now - oldest.getTime()) : null;
  if (oldestAgeMs !== null && oldestAgeMs > maxLagMs) {
    return {
      ok: false,
      rows,
      verified: rows,
      brokenAt: "the pending events",
      reason: `${count} event(s) are not sealed into the chain, the oldest for ${Math.round(oldestAgeMs / 1000)} s (the bound is ${Math.round(maxLagMs / 1000)} s): the sealer is not running (start the job engine, or run \`keyport audit seal\`)`,
    };
  }
  return { count, oldestAgeMs, maxLagMs };
}
