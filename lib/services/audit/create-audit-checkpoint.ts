// Signed checkpoints of the audit chain's head (seq, hash, time): made on demand by an officer
// or admin (a download) or the CLI, and by `keyport jobs run` whenever the head has moved.
// Each is preceded by its own audit event, and the checkpoint is of that event: so the
// checkpoint covers its own record, and the next job run finds the head unchanged.
import { getDb, type Tx } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { sealBatch, sealPendingAuditEvents, takeSealerLock } from "@/lib/audit/seal-audit";
import { openAuditSeal } from "@/lib/ca/audit-seal";
import { type Checkpoint, checkpointFile, checkpointFilename, checkpointText } from "@/lib/audit/checkpoint-file";
import { signCheckpoint } from "@/lib/ca/checkpoint-key";

export type CheckpointTrigger = "jobs" | "download" | "cli";

export type CheckpointDownload = { body: string; contentType: string; filename: string; checkpoint: Checkpoint & { id: string } };

export function checkpointDownload(row: { id: string; seq: bigint; hash: string; at: Date; publicKeySha256: string; signature: Uint8Array }): CheckpointDownload {
  const checkpoint = { id: row.id, seq: row.seq, hash: row.hash, at: row.at, publicKeySha256: row.publicKeySha256 };
  return { body: checkpointFile(checkpoint, row.signature), contentType: "application/json", filename: checkpointFilename(checkpoint), checkpoint };
}

/**
 * Under the sealer lock (so the head cannot move meanwhile): seal what is pending, record the
 * checkpoint's own event and seal it, then sign the head it became and store both.
 */
async function writeCheckpoint(tx: Tx, actor: Actor, trigger: CheckpointTrigger) {
  await takeSealerLock(tx, true);
  const seal = openAuditSeal();
  await recordAudit(tx, actor, { action: "audit.checkpoint", targetType: "audit_trail", details: { trigger } });
  for (;;) {
    const r = await sealBatch(tx, seal);
    if (r.sealed + r.refused < 500) break;
  }
  const head = await tx.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
  const draft = { seq: head.seq, hash: head.hash, at: new Date() };
  const { signature, publicKeySha256 } = signCheckpoint((publicKeySha256) => checkpointText({ ...draft, publicKeySha256 }));
  return tx.auditCheckpoint.create({ data: { ...draft, publicKeySha256, signature: toDbBytes(signature), trigger } });
}

/** A checkpoint of the current head, as a file to keep outside the database; recorded in the trail. */
export async function createAuditCheckpoint(actor: Actor, trigger: Exclude<CheckpointTrigger, "jobs"> = "download"): Promise<CheckpointDownload> {
  authorize(actor, "audit:export");
  const row = await getDb().$transaction((tx) => writeCheckpoint(tx, actor, trigger), { timeout: 30_000, maxWait: 30_000 });
  return checkpointDownload(row);
}

/**
 * Periodic (`keyport jobs run`, cron-safe on several instances): a checkpoint only when the
 * head moved since the newest one. Decided without locks first (most runs find nothing to
 * do), then again under the sealer lock, so two instances never checkpoint the same head.
 */
export async function checkpointIfHeadMoved(actor: Actor): Promise<{ action: "created" | "unchanged"; seq: string | null }> {
  authorize(actor, "audit:export");
  const db = getDb();
  const unchanged = async (d: Pick<Tx, "auditChainHead" | "auditCheckpoint">) => {
    const [head, newest] = await Promise.all([
      d.auditChainHead.findUnique({ where: { id: 1 }, select: { seq: true } }),
      d.auditCheckpoint.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }),
    ]);
    // An empty trail has nothing to checkpoint.
    return !head || (newest !== null && newest.seq >= head.seq) ? { head, newest } : null;
  };
  // The head as it is once what is pending is sealed (a checkpoint covers what was recorded until now).
  await sealPendingAuditEvents({ wait: true });
  const seen = await unchanged(db);
  if (seen) return { action: "unchanged", seq: seen.newest?.seq.toString() ?? null };
  return db.$transaction(
    async (tx) => {
      await takeSealerLock(tx, true);
      const again = await unchanged(tx);
      if (again) return { action: "unchanged" as const, seq: again.newest?.seq.toString() ?? null };
      const row = await writeCheckpoint(tx, actor, "jobs");
      return { action: "created" as const, seq: row.seq.toString() };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}
