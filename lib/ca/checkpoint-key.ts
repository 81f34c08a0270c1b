// The key that signs checkpoints of the audit chain's head: Ed25519 (RFC 8032) whose 32-byte
// private key (the seed) is HKDF-SHA-256 of the master key with its own info string, so it is
// the same on every instance and after every restart, and is stored nowhere. Signing and
// verification are node:crypto's; the public key is offered as PEM so anyone can check a
// checkpoint with `openssl pkeyutl -verify -pubin -inkey KEY.pem -rawin -in TEXT -sigfile SIG`.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { encodeOctetString, encodeOid, encodeSmallInteger, sequence } from "@/lib/pki/cert/der";
import { formatFingerprint } from "@/lib/pki/cert/certificate-info";
import { OID } from "@/lib/pki/oids";
import { loadMasterKey } from "./master-key";
import { deriveFromMasterKey } from "./audit-seal";

const CHECKPOINT_KEY_INFO = "keyport audit checkpoint key v1";

export type CheckpointPublicKey = {
  /** SubjectPublicKeyInfo as PEM ("PUBLIC KEY", RFC 8410 §4). */
  pem: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, colon-separated hex (`openssl pkey -pubin -outform DER | openssl dgst -sha256 -c`). */
  sha256: string;
};

function publicOf(key: KeyObject): CheckpointPublicKey & { key: KeyObject } {
  const pub = createPublicKey(key);
  const spki = pub.export({ format: "der", type: "spki" });
  return { key: pub, pem: pub.export({ format: "pem", type: "spki" }).toString(), sha256: formatFingerprint(createHash("sha256").update(spki).digest("hex")) };
}

function privateKey(env: NodeJS.ProcessEnv): KeyObject {
  const seed = deriveFromMasterKey(loadMasterKey(env), CHECKPOINT_KEY_INFO);
  // OneAsymmetricKey { version 0, AlgorithmIdentifier { id-Ed25519 } (no parameters), privateKey OCTET STRING { CurvePrivateKey OCTET STRING } } (RFC 8410 §7).
  const pkcs8 = Buffer.from(sequence(encodeSmallInteger(0), sequence(encodeOid(OID.ed25519)), encodeOctetString(encodeOctetString(seed))));
  seed.fill(0);
  try {
    return createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  } finally {
    pkcs8.fill(0);
  }
}

/** The checkpoint signing key's public half; throws the master key's message when none is configured. */
export function checkpointPublicKey(env: NodeJS.ProcessEnv = process.env): CheckpointPublicKey {
  const { pem, sha256 } = publicOf(privateKey(env));
  return { pem, sha256 };
}

/**
 * Sign a checkpoint's text, which names the signing key's fingerprint (so textFor gets it).
 * Ed25519 signs the message itself: no separate hash (RFC 8032 §5.1.6).
 */
export function signCheckpoint(textFor: (publicKeySha256: string) => string, env: NodeJS.ProcessEnv = process.env): { signature: Buffer; publicKeySha256: string } {
  const key = privateKey(env);
  const publicKeySha256 = publicOf(key).sha256;
  return { signature: sign(null, Buffer.from(textFor(publicKeySha256), "utf8"), key), publicKeySha256 };
}

/** Whether the signature over the text was made by this installation's checkpoint key. */
export function verifyCheckpointSignature(text: string, signature: Uint8Array, env: NodeJS.ProcessEnv = process.env): boolean {
  const { key } = publicOf(privateKey(env));
  return signature.length === 64 && verify(null, Buffer.from(text, "utf8"), key, signature);
}
