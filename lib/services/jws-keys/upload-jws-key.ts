import { getDb } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { MAX_JWS_KEY_INPUT_BYTES, readJwsKey } from "@/lib/pki/jws/read-jws-key";
import { parseInput } from "@/lib/validation";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { lockPublicKey } from "@/lib/services/requests/submit-request";
import { actorUserId, orgScope } from "@/lib/services/scope";
import { describeHits, findJwsKeyUse, findTlsKeyUse } from "./key-use";
import { type UploadJwsKeyInput, uploadJwsKeySchema } from "./schemas";

/**
 * A partner uploads a JWS public key for one environment (PEM SPKI, JWK or certificate). It is
 * decoded, checked against the environment's policy and re-encoded; a private key, a key Keyport
 * knows from TLS or as another JWS key is refused and nothing is stored. Officers endorse it; an
 * endorsed key stays active beside it until its retire date (rotation with overlap).
 */
export async function uploadJwsKey(actor: Actor, input: UploadJwsKeyInput | Record<string, unknown>) {
  authorize(actor, "jws-key:submit");
  const orgId = orgScope(actor);
  if (!orgId) throw new AppError("forbidden", "Only a partner organisation's users upload JWS keys.");
  if (typeof input?.key === "string" && Buffer.byteLength(input.key) > MAX_JWS_KEY_INPUT_BYTES) {
    throw new AppError("too_large", `At most ${MAX_JWS_KEY_INPUT_BYTES} bytes (64 KiB) per key are accepted.`, { key: "Too large." });
  }
  const data = parseInput(uploadJwsKeySchema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  const read = await readJwsKey(data.key, { alg: data.alg, allowed: env.jwsAlgorithms });
  // The refusal never quotes the input: a pasted private key is neither stored nor echoed.
  if (!read.ok) throw new AppError("validation_failed", read.message, { key: read.message }, { refusal: read.code });
  const db = getDb();
  const org = await db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { code: true } });
  return db.$transaction(async (tx) => {
    // The same lock a CSR of this key takes: a CSR and a JWS upload of one key cannot both pass.
    await lockPublicKey(tx, read.spkiSha256);
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`keyport:jws-key:${orgId}:${env.id}`}))`;
    const tls = await findTlsKeyUse(tx, read.spkiSha256);
    if (tls.length) {
      const message = `This public key is already used for TLS (${describeHits(tls, org.code)}). Use a different key pair for JWS signatures than for mTLS; nothing was stored.`;
      throw new AppError("validation_failed", message, { key: message }, { refusal: "key_used_for_tls" });
    }
    const jws = await findJwsKeyUse(tx, read.spkiSha256);
    if (jws.length) {
      const message = `This public key is already registered as a JWS key (${describeHits(jws, org.code)}); nothing was stored.`;
      throw new AppError("conflict", message, { key: message }, { refusal: "key_already_registered" });
    }
    const pending = await tx.partnerJwsKey.findFirst({ where: { orgId, envId: env.id, status: "pending" }, select: { id: true } });
    if (pending) throw new AppError("conflict", `A JWS key for ${env.code} (${pending.id}) is already waiting for officers; wait for their decision before uploading another.`);
    const row = await tx.partnerJwsKey.create({
      data: {
        orgId,
        envId: env.id,
        kid: read.kid,
        alg: read.alg,
        keyLabel: read.keyLabel,
        jwk: read.jwk as object,
        spkiDer: toDbBytes(read.spkiDer),
        spkiSha256: read.spkiSha256,
        source: read.source,
        certDer: read.certDer ? toDbBytes(read.certDer) : null,
        submittedById: actorUserId(actor),
      },
    });
    await recordAudit(tx, actor, {
      action: "jws_key.submit",
      orgId,
      targetType: "jws_key",
      targetId: row.id,
      details: { environment: env.code, kid: read.kid, alg: read.alg, key: read.keyLabel, source: read.source, spkiSha256: read.spkiSha256 },
    });
    return { id: row.id, status: row.status, kid: row.kid, alg: row.alg, key: row.keyLabel };
  });
}
