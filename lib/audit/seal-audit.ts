// The audit chain's sealer (issue 21). Writers record events pending (lib/audit/record-audit.ts:
// one INSERT, no shared lock); one sealer at a time — whoever holds SEALER_LOCK_KEY, a
// transaction-scoped advisory lock, across every instance — chains them: it takes the pending
// events oldest first, checks each one's pending MAC, gives it the next seq, links it to the
// head and moves the head, in one transaction. The chain's order is this sealing order.
// Sealing runs in-process shortly after each write (scheduleAuditSealing) and from the
// "audit-seal" job (lib/jobs/definitions.ts) every minute, so nothing stays pending for long even
// when the instance that wrote an event died; `keyport audit verify` reports the oldest pending
// event's age and fails past AUDIT_SEAL_MAX_LAG_MS.
import { type Db, getDb, openDb, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log/logger";
import { type AuditSeal, openAuditSeal } from "@/lib/ca/audit-seal";
import { GENESIS_HASH, KEYED_CHAIN_VERSION, keyedAuditHash, pendingAuditMac } from "@/lib/audit/hash";

// Any fixed key works: it elects the one sealer across processes. Writers never take it.
export const SEALER_LOCK_KEY = 7_202_612;
const BATCH = 500;

/** How long an event may stay pending before `audit verify` calls the sealer stalled (KEYPORT_AUDIT_SEAL_MAX_LAG_SECONDS, default 300). */
export function auditSealMaxLagMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.KEYPORT_AUDIT_SEAL_MAX_LAG_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 300_000;
}

export function refuseAnotherKey(seal: AuditSeal, head: { keyId: string | null } | null) {
  if (head?.keyId && head.keyId !== seal.keyId) {
    // Writing on would mix two keys in one chain, which `audit verify` could only call tampering.
    throw new AppError(
      "internal",
      `The configured master key (id ${seal.keyId}) is not the one the audit trail is sealed under (id ${head.keyId}): nothing was recorded. Set KEYPORT_MASTER_KEY (or KEYPORT_MASTER_KEY_FILE) to the original key.`,
    );
  }
}

export type SealResult = { sealed: number; refused: number; head: { seq: bigint; hash: string } | null };

/**
 * Inside a transaction that holds the sealer lock: chain up to `limit` pending events (oldest
 * first). An event whose pending MAC does not hold (forged or altered while pending) is left
 * pending and counted in `refused`; `audit verify` names it.
 */
export async function sealBatch(tx: Tx, seal: AuditSeal, limit = BATCH): Promise<SealResult> {
  const head = await tx.auditChainHead.findUnique({ where: { id: 1 }, select: { seq: true, hash: true, keyId: true } });
  refuseAnotherKey(seal, head);
  const pending = await tx.auditEvent.findMany({ where: { seq: null }, orderBy: [{ at: "asc" }, { id: "asc" }], take: limit });
  let seq = head?.seq ?? 0n;
  let prev = head?.hash ?? GENESIS_HASH;
  const ids: string[] = [];
  const seqs: string[] = [];
  const prevs: string[] = [];
  const hashes: string[] = [];
  let refused = 0;
  for (const r of pending) {
    if (r.chainVersion !== KEYED_CHAIN_VERSION || !r.pendingMac || pendingAuditMac(r, seal) !== r.pendingMac) {
      refused++;
      continue;
    }
    seq += 1n;
    const hash = keyedAuditHash({ ...r, prevHash: prev }, seal);
    ids.push(r.id);
    seqs.push(seq.toString());
    prevs.push(prev);
    hashes.push(hash);
    prev = hash;
  }
  if (refused) log("audit").error({ refused }, "pending audit events whose MAC does not hold were not sealed (run `keyport audit verify`)");
  if (!ids.length) return { sealed: 0, refused, head: head ? { seq: head.seq, hash: head.hash } : null };
  const updated = await tx.$executeRaw`
    UPDATE audit_events AS e SET seq = v.seq, prev_hash = v.prev, hash = v.hash
    FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${seqs}::bigint[]) AS seq, unnest(${prevs}::text[]) AS prev, unnest(${hashes}::text[]) AS hash) AS v
    WHERE e.id = v.id AND e.seq IS NULL`;
  if (updated !== ids.length) throw new AppError("conflict", "Pending audit events changed while they were being sealed; sealing again.");
  // The head moves with the chain, in the same transaction: deleting the newest events is then detectable too.
  const moved = { seq, hash: prev, updatedAt: new Date(), keyId: seal.keyId };
  await tx.auditChainHead.upsert({ where: { id: 1 }, create: { id: 1, ...moved }, update: moved });
  return { sealed: ids.length, refused, head: { seq, hash: prev } };
}

/** Take the sealer lock for the rest of tx: waiting for it (wait) or not at all (false when another sealer holds it). */
export async function takeSealerLock(tx: Tx, wait: boolean): Promise<boolean> {
  if (wait) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEALER_LOCK_KEY})`;
    return true;
  }
  const [row] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK_KEY}) AS ok`;
  return row.ok;
}

/**
 * Seal every pending event that is committed now. With wait false (the in-process trigger and
 * the job), an instance that finds another sealer at work leaves it the work and returns null.
 */
export async function sealPendingAuditEvents(opts: { wait?: boolean; db?: Db } = {}): Promise<{ sealed: number; refused: number } | null> {
  const seal = openAuditSeal();
  const db = opts.db ?? getDb();
  let sealed = 0;
  let refused = 0;
  for (;;) {
    const batch = await db.$transaction(
      async (tx) => {
        if (!(await takeSealerLock(tx, opts.wait ?? true))) return null;
        return sealBatch(tx, seal);
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    if (!batch) return sealed || refused ? { sealed, refused } : null;
    sealed += batch.sealed;
    refused = batch.refused;
    if (batch.sealed + batch.refused < BATCH) return { sealed, refused };
  }
}

// In-process trigger: after a write, seal soon (the writer's transaction has usually committed
// by then); keep sealing while writes keep coming, and once more a little later for writers whose
// transaction committed after the last pass. Errors are logged; the job catches up.
// Passes use the client the write went through, and stop when it was closed (never open another).
let timer: NodeJS.Timeout | null = null;
let client: Db | undefined;
let running = false;
let lastWrite = 0;
// A pass costs about seven statements whatever it seals: under a steady stream of writes, one every
// 200 ms seals them in batches (the lag stays well under a second) instead of a pass per write.
const SOON_MS = 200;
const TRAILING_MS = 500;

export function scheduleAuditSealing(): void {
  if (process.env.KEYPORT_AUDIT_SEAL === "manual") return;
  lastWrite = Date.now();
  client = openDb();
  if (!timer && !running) arm(SOON_MS);
}

function arm(ms: number) {
  timer = setTimeout(() => void pass(), ms);
  timer.unref?.();
}

async function pass() {
  timer = null;
  const db = client;
  if (!db || db !== openDb()) return;
  running = true;
  const started = Date.now();
  try {
    await sealPendingAuditEvents({ wait: false, db });
  } catch (e) {
    log("audit").warn({ err: e instanceof Error ? e.message : String(e) }, "audit sealing failed; the audit-seal job retries");
  } finally {
    running = false;
  }
  if (lastWrite >= started) arm(SOON_MS);
  else if (Date.now() - lastWrite < TRAILING_MS * 2) arm(TRAILING_MS);
}
