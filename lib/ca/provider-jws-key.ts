// The provider's JWS signing keys that Keyport generates (issue 18, item 2): made here, sealed under
// the master key (AES-256-GCM, the key row's id as associated data) like CA keys, and never
// returned; only the public half leaves (JWKS, PEM, JWK). signWithProviderJwsKey is the one use.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { FlattenedSign, base64url } from "jose";
import type { Tx } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { AppError } from "@/lib/errors";
import type { JwsAlgorithm } from "@/lib/pki/jws/jws-policy";
import { readJwsKey } from "@/lib/pki/jws/read-jws-key";
import { loadMasterKey } from "./master-key";
import { openPrivateKey, sealPrivateKey } from "./key-vault";

const sealId = (keyId: string) => `provider-jws:${keyId}`;

/** Generate a key pair for `alg` (RSA 2048 for RS256/PS256, P-256 for ES256), store its public half and the sealed private key. */
export async function createGeneratedProviderJwsKey(tx: Tx, params: { env: { id: string; jwsAlgorithms: string[] }; alg: JwsAlgorithm; createdById: string | null }) {
  const master = loadMasterKey();
  const { privateKey, publicKey } = params.alg === "ES256" ? generateKeyPairSync("ec", { namedCurve: "P-256" }) : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const read = await readJwsKey(publicKey.export({ type: "spki", format: "pem" }).toString(), { alg: params.alg, allowed: params.env.jwsAlgorithms });
  if (!read.ok) throw new AppError("validation_failed", read.message, { alg: read.message });
  const id = randomUUID();
  return tx.providerJwsKey.create({
    data: {
      id,
      envId: params.env.id,
      kid: read.kid,
      alg: read.alg,
      keyLabel: read.keyLabel,
      jwk: read.jwk as object,
      spkiDer: toDbBytes(read.spkiDer),
      spkiSha256: read.spkiSha256,
      source: "generated",
      encryptedKey: toDbBytes(sealPrivateKey(privateKey, sealId(id), master)),
      masterKeyId: master.id,
      createdById: params.createdById,
    },
  });
}

/**
 * Sign a request as the provider, Mojaloop-style: FSPIOP-Signature over the protected header
 * (alg, kid, the FSPIOP headers) and the body. For the readiness probe's signed test request.
 */
export async function signWithProviderJwsKey(tx: Pick<Tx, "providerJwsKey">, keyId: string, protectedHeader: Record<string, string>, body: string): Promise<string> {
  const row = await tx.providerJwsKey.findUnique({ where: { id: keyId } });
  if (!row?.encryptedKey || !row.masterKeyId) throw new AppError("not_found", `No Keyport-generated provider JWS key "${keyId}".`);
  const key = openPrivateKey(row.encryptedKey, sealId(row.id), loadMasterKey(), row.masterKeyId);
  const signed = await new FlattenedSign(new TextEncoder().encode(body)).setProtectedHeader({ ...protectedHeader, alg: row.alg, kid: row.kid }).sign(key);
  return JSON.stringify({ signature: signed.signature, protectedHeader: signed.protected ?? base64url.encode("{}") });
}
