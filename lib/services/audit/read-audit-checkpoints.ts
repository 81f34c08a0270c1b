// Stored checkpoints and the key that checks them, for officers and admins.
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { checkpointPublicKey } from "@/lib/ca/checkpoint-key";
import { AppError } from "@/lib/errors";
import { assertId } from "@/lib/services/scope";
import { type CheckpointDownload, checkpointDownload } from "./create-audit-checkpoint";

/** The newest checkpoints (made by `keyport jobs run`, downloads or the CLI), newest first. */
export async function listAuditCheckpoints(actor: Actor, opts: { take?: number } = {}) {
  authorize(actor, "audit:read");
  const rows = await getDb().auditCheckpoint.findMany({
    orderBy: { seq: "desc" },
    take: Math.min(Math.max(opts.take ?? 5, 1), 100),
    select: { id: true, seq: true, hash: true, at: true, trigger: true, publicKeySha256: true },
  });
  return rows.map((r) => ({ ...r, seq: r.seq.toString() }));
}

/** One stored checkpoint as its file. */
export async function getAuditCheckpointFile(actor: Actor, id: string): Promise<CheckpointDownload> {
  authorize(actor, "audit:read");
  const row = await getDb().auditCheckpoint.findUnique({ where: { id: assertId(id, "checkpoint") } });
  if (!row) throw new AppError("not_found", `No checkpoint with id "${id.slice(0, 64)}".`);
  return checkpointDownload(row);
}

/** The checkpoint signing key's public half (PEM), for `openssl pkeyutl -verify`. Not secret. */
export function getCheckpointPublicKey(actor: Actor): { body: string; contentType: string; filename: string; sha256: string } {
  authorize(actor, "audit:read");
  const key = checkpointPublicKey();
  return { body: key.pem, contentType: "application/x-pem-file", filename: "keyport-audit-checkpoint-key.pem", sha256: key.sha256 };
}
