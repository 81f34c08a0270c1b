// Encryption of CA private keys at rest: AES-256-GCM under the master key, with
// the CA's id as associated data so a ciphertext cannot be moved to another CA row.
import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from "node:crypto";
import { AppError } from "@/lib/errors";
import type { MasterKey } from "./master-key";

const IV_LEN = 12;
const TAG_LEN = 16;

export function sealPrivateKey(key: KeyObject, caId: string, master: MasterKey): Buffer {
  const pkcs8 = key.export({ format: "der", type: "pkcs8" });
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv("aes-256-gcm", master.key, iv);
  cipher.setAAD(Buffer.from(`keyport-ca:${caId}`));
  const ct = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  pkcs8.fill(0);
  return Buffer.concat([iv, ct, cipher.getAuthTag()]);
}

export function openPrivateKey(sealed: Uint8Array, caId: string, master: MasterKey, sealedWithId: string): KeyObject {
  if (sealedWithId !== master.id) {
    throw new AppError(
      "internal",
      "The master key does not match the one this CA's private key was encrypted with. Set the original KEYPORT_MASTER_KEY (or KEYPORT_MASTER_KEY_FILE).",
    );
  }
  const buf = Buffer.from(sealed);
  const iv = buf.subarray(0, IV_LEN);
  const tag = buf.subarray(buf.length - TAG_LEN);
  const ct = buf.subarray(IV_LEN, buf.length - TAG_LEN);
  let pkcs8: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", master.key, iv);
    decipher.setAAD(Buffer.from(`keyport-ca:${caId}`));
    decipher.setAuthTag(tag);
    pkcs8 = Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    throw new AppError("internal", "The CA private key could not be decrypted: it was altered, or belongs to another CA.");
  }
  try {
    return createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  } finally {
    pkcs8.fill(0);
  }
}
