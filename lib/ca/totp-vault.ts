// TOTP secrets at rest: AES-256-GCM under the master key, the user's id as associated data (a sealed
// secret cannot be moved to another user's row). Only this file opens one; it is never logged or returned
// after enrolment (the user sees it once, to load it into an authenticator app).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";
import { loadMasterKey } from "./master-key";

const IV_LEN = 12;
const TAG_LEN = 16;
const aad = (userId: string) => Buffer.from(`keyport-totp:${userId}`);

export function sealTotpSecret(secret: Uint8Array, userId: string): { sealed: Uint8Array<ArrayBuffer>; keyId: string } {
  const master = loadMasterKey();
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv("aes-256-gcm", master.key, iv);
  cipher.setAAD(aad(userId));
  const ct = Buffer.concat([cipher.update(secret), cipher.final()]);
  return { sealed: new Uint8Array(Buffer.concat([iv, ct, cipher.getAuthTag()])), keyId: master.id };
}

export function openTotpSecret(sealed: Uint8Array, userId: string, keyId: string | null): Uint8Array {
  const master = loadMasterKey();
  if (keyId !== master.id) throw new AppError("internal", "The master key does not match the one this user's second factor was sealed with.");
  const buf = Buffer.from(sealed);
  try {
    const decipher = createDecipheriv("aes-256-gcm", master.key, buf.subarray(0, IV_LEN));
    decipher.setAAD(aad(userId));
    decipher.setAuthTag(buf.subarray(buf.length - TAG_LEN));
    return new Uint8Array(Buffer.concat([decipher.update(buf.subarray(IV_LEN, buf.length - TAG_LEN)), decipher.final()]));
  } catch {
    throw new AppError("internal", "This user's TOTP secret could not be decrypted: it was altered, or belongs to another user.");
  }
}
