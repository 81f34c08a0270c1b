// `keyport audit verify [--checkpoint FILE]`: the chain, and optionally a checkpoint kept
// outside the database. The checkpoint's signature is checked first (a forged or edited
// file proves nothing), then the chain must hold its event with exactly its hash and verify
// through it to the head: so deleting the newest events and rolling back the head, or
// rewriting anything before the checkpoint, is found.
import { type Actor, authorize } from "@/lib/auth/actor";
import { type ChainReport, verifyAuditChain } from "@/lib/audit/verify-chain";
import { checkpointText, parseCheckpointFile } from "@/lib/audit/checkpoint-file";
import { checkpointPublicKey, verifyCheckpointSignature } from "@/lib/ca/checkpoint-key";
import { AppError } from "@/lib/errors";

export async function verifyAuditTrail(actor: Actor, opts: { checkpointFile?: Uint8Array; checkpointName?: string } = {}): Promise<ChainReport> {
  authorize(actor, "audit:read");
  if (!opts.checkpointFile) return verifyAuditChain();
  const { checkpoint, signature } = parseCheckpointFile(opts.checkpointFile, opts.checkpointName);
  const notVerified = (reason: string): ChainReport => ({ ok: false, unverifiable: true, rows: 0, verified: 0, brokenAt: "the checkpoint", reason });
  let ours: string;
  try {
    ours = checkpointPublicKey().sha256;
  } catch (e) {
    if (e instanceof AppError) return notVerified(`its signature can only be checked with the master key. ${e.message}`);
    throw e;
  }
  if (checkpoint.publicKeySha256 !== ours) {
    return notVerified(
      `it was signed by the key with SHA-256 ${checkpoint.publicKeySha256}, but the configured master key's checkpoint key is ${ours}: it is another installation's checkpoint, or the master key is not the original`,
    );
  }
  if (!verifyCheckpointSignature(checkpointText(checkpoint), signature)) {
    return notVerified("its signature does not verify: the file was edited or forged. Use an original copy");
  }
  return verifyAuditChain(undefined, { checkpoint });
}
