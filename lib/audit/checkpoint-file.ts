// A checkpoint of the audit chain's head as a small JSON file that people can read and
// keep outside the database: seq, hash and time in plain fields, the exact text that was
// signed (so `openssl pkeyutl -verify -rawin` can check it without Keyport), the Ed25519
// signature (base64) and the SHA-256 of the signing public key.
import { z } from "zod";
import { AppError } from "@/lib/errors";

export const CHECKPOINT_FORMAT = "keyport-audit-checkpoint/1";
/** A checkpoint file is a few hundred bytes; anything much larger is not one. */
export const MAX_CHECKPOINT_FILE_BYTES = 16 * 1024;

export type Checkpoint = { seq: bigint; hash: string; at: Date; publicKeySha256: string };

/** The exact text that is signed: one "name: value" per line, LF, UTF-8 (ASCII in practice). */
export function checkpointText(c: Checkpoint): string {
  return ["keyport audit checkpoint v1", `seq: ${c.seq}`, `hash: ${c.hash}`, `at: ${c.at.toISOString()}`, `public key SHA-256: ${c.publicKeySha256}`, ""].join("\n");
}

export function checkpointFilename(c: Pick<Checkpoint, "seq" | "at">): string {
  return `keyport-audit-checkpoint-${c.seq}-${c.at.toISOString().replace(/[-:]/g, "").slice(0, 15)}.json`;
}

export function checkpointFile(c: Checkpoint, signature: Uint8Array): string {
  const file = {
    format: CHECKPOINT_FORMAT,
    about: "The head of a Keyport audit trail, signed. Keep it outside Keyport's database; check it with: keyport audit verify --checkpoint FILE",
    seq: c.seq.toString(),
    hash: c.hash,
    at: c.at.toISOString(),
    publicKeySha256: c.publicKeySha256,
    signatureAlgorithm: "Ed25519",
    signedText: checkpointText(c),
    signature: Buffer.from(signature).toString("base64"),
  };
  return JSON.stringify(file, null, 2) + "\n";
}

const MAX_SEQ = 2n ** 63n - 1n; // BIGINT

const fileSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT, { error: `format must be "${CHECKPOINT_FORMAT}"` }),
  seq: z.string().regex(/^[1-9]\d{0,18}$/, "seq must be a positive whole number").refine((s) => BigInt(s) <= MAX_SEQ, "seq is out of range"),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "hash must be 64 lowercase hex characters"),
  at: z.iso.datetime({ precision: 3, message: "at must be a UTC time like 2026-01-31T12:00:00.000Z" }),
  publicKeySha256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, "publicKeySha256 must be 32 colon-separated hex bytes"),
  signatureAlgorithm: z.literal("Ed25519", { error: 'signatureAlgorithm must be "Ed25519"' }),
  signedText: z.string().max(1024),
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, "signature must be 64 bytes in base64"),
});

/** Read a checkpoint file's fields (not its signature: that needs the key, lib/ca/checkpoint-key.ts). */
export function parseCheckpointFile(bytes: Uint8Array, name = "The checkpoint file"): { checkpoint: Checkpoint; signature: Buffer } {
  if (bytes.length > MAX_CHECKPOINT_FILE_BYTES) throw new AppError("too_large", `${name} is ${bytes.length} bytes; a checkpoint is at most ${MAX_CHECKPOINT_FILE_BYTES}.`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (e) {
    throw new AppError("bad_request", `${name} is not valid JSON: ${(e as Error).message}.`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join(".") : "its top level";
    throw new AppError("bad_request", `${name} is not a Keyport audit checkpoint (${field}: ${issue.message}).`);
  }
  const f = parsed.data;
  const checkpoint: Checkpoint = { seq: BigInt(f.seq), hash: f.hash, at: new Date(f.at), publicKeySha256: f.publicKeySha256 };
  if (f.signedText !== checkpointText(checkpoint)) {
    throw new AppError("bad_request", `${name}'s fields (seq, hash, at, publicKeySha256) do not match its signedText: one of them was edited.`);
  }
  return { checkpoint, signature: Buffer.from(f.signature, "base64") };
}
