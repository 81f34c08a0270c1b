// PKCS#12 passwords. Only printable ASCII: Java's keytool rejects PKCS#12 files protected with
// other characters (even ones OpenSSL wrote), and the BMPString (MAC) vs UTF-8 (PBES2) encodings
// of RFC 7292 / RFC 8018 agree on ASCII only.
import { PkiError } from "../cert/errors";

export const MAX_PKCS12_PASSWORD_LENGTH = 256;

export function assertPkcs12Password(password: string): void {
  if (typeof password !== "string" || password.length === 0) throw new PkiError("invalid_password", "Enter a password for the PKCS#12 file");
  if (password.length > MAX_PKCS12_PASSWORD_LENGTH) throw new PkiError("invalid_password", `The PKCS#12 password must be at most ${MAX_PKCS12_PASSWORD_LENGTH} characters`);
  for (const ch of password) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20 || c > 0x7e) {
      throw new PkiError(
        "invalid_password",
        `The PKCS#12 password may only contain printable ASCII characters (letters A–Z a–z, digits, space and punctuation); ${JSON.stringify(ch)} is not allowed because Java keytool cannot open such files`,
      );
    }
  }
}

/** The password as bytes (ASCII = UTF-8 here), as pkijs expects. */
export function pkcs12PasswordBytes(password: string): ArrayBuffer {
  assertPkcs12Password(password);
  return new TextEncoder().encode(password).buffer as ArrayBuffer;
}
