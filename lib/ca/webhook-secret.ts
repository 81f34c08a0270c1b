// Webhook signing secrets, sealed at rest like CA keys: AES-256-GCM under the master key, with the
// organisation id as associated data (a sealed secret cannot be moved to another organisation).
// The secret is shown to the partner once, when it is made; nothing else returns or logs it.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";
import { loadMasterKey } from "./master-key";

const IV_LEN = 12;
const TAG_LEN = 16;
const aad = (orgId: string) => Buffer.from(`keyport-webhook:${orgId}`);

/** A new secret ("whsec_" + 32 random bytes, base64url) and its sealed form. */
export function newWebhookSecret(orgId: string): { secret: string; sealed: Buffer; masterKeyId: string } {
  const master = loadMasterKey();
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv("aes-256-gcm", master.key, iv);
  cipher.setAAD(aad(orgId));
  const ct = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return { secret, sealed: Buffer.concat([iv, ct, cipher.getAuthTag()]), masterKeyId: master.id };
}

export function openWebhookSecret(sealed: Uint8Array, orgId: string, sealedWithId: string): string {
  const master = loadMasterKey();
  if (master.id !== sealedWithId) throw new AppError("internal", "The webhook secret was sealed under another master key: set a new secret.");
  const buf = Buffer.from(sealed);
  try {
    const d = createDecipheriv("aes-256-gcm", master.key, buf.subarray(0, IV_LEN));
    d.setAAD(aad(orgId));
    d.setAuthTag(buf.subarray(buf.length - TAG_LEN));
    return Buffer.concat([d.update(buf.subarray(IV_LEN, buf.length - TAG_LEN)), d.final()]).toString("utf8");
  } catch {
    throw new AppError("internal", "The webhook secret could not be decrypted: it was altered, or belongs to another organisation.");
  }
}
