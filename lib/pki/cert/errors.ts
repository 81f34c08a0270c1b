// The one error type of lib/pki/{cert,crl,pkcs7,pkcs12}. lib/pki imports nothing from the
// rest of the app, so services map `PkiError.code` to their own AppError codes.

export type PkiErrorCode =
  /** The caller passed something malformed or out of profile (serial, name, SAN, dates…). */
  | "invalid_input"
  /** The signer does not fit the issuer (key type, algorithm, or the signature does not verify). */
  | "signer_mismatch"
  /** The issuer certificate cannot issue (not a CA, no keyCertSign/cRLSign, expired before notBefore). */
  | "issuer_unusable"
  /** PKCS#12 password outside printable ASCII (keytool rejects such passwords). */
  | "invalid_password"
  /** The private key does not belong to the certificate. */
  | "key_mismatch"
  /** A pre-issuance lint failed on the unsigned certificate (lib/pki/lint): nothing was signed. */
  | "lint_failed";

export class PkiError extends Error {
  constructor(
    readonly code: PkiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "PkiError";
  }
}
