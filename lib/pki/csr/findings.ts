// What intake and parsing tell a partner when their input is not a usable CSR.
// Messages are written for the partner (not for us) and never quote the input: a private
// key in particular must not be echoed back, logged or stored through a message.

export type IntakeCode =
  | "too_large"
  | "empty"
  | "private_key"
  | "certificate"
  | "public_key"
  | "pkcs7"
  | "pkcs12"
  | "multiple_blocks"
  | "truncated"
  | "malformed"
  | "unsupported_key"
  | "not_der"
  | "unreadable";

export type IntakeFinding = { code: IntakeCode; message: string };

/** Thrown by parseCsr when the bytes cannot be read as a PKCS #10 CertificationRequest (RFC 2986). */
export class CsrError extends Error {
  readonly finding: IntakeFinding;
  constructor(finding: IntakeFinding) {
    super(finding.message);
    this.name = "CsrError";
    this.finding = finding;
  }
}

/** Most inputs this large are a wrong file (an archive, a log); a CSR is 1–4 KiB. */
export const MAX_CSR_INPUT_BYTES = 64 * 1024;

const SEND_CSR = "Send the certificate signing request (CSR): the PEM text that starts with -----BEGIN CERTIFICATE REQUEST-----, or the .csr/.der file.";

const KEY_ADVICE =
  "Never share a private key with anyone, including us: it must stay with you, on the system that will use the certificate. " +
  "If this key has been sent or uploaded anywhere, treat it as compromised: generate a new key pair, create a new CSR from it and send only the CSR.";

export const findings = {
  tooLarge: (bytes: number): IntakeFinding => ({
    code: "too_large",
    message: `The input is ${bytes.toLocaleString("en-US")} bytes; at most 65,536 bytes (64 KiB) are accepted. A CSR is usually 1–4 KiB: check that you picked the CSR file.`,
  }),
  empty: (): IntakeFinding => ({ code: "empty", message: `The input is empty. ${SEND_CSR}` }),
  privateKey: (alongsideCsr: boolean): IntakeFinding => ({
    code: "private_key",
    message: alongsideCsr
      ? `The input contains a private key next to the CSR. We did not accept it. ${KEY_ADVICE}`
      : `This is a private key, not a certificate signing request. We did not accept it. ${KEY_ADVICE}`,
  }),
  /** A PKCS #12 file with a visible keyBag or pkcs8ShroudedKeyBag (RFC 7292 §4.2.1–4.2.2). */
  privateKeyPkcs12: (): IntakeFinding => ({
    code: "private_key",
    message: `This is a PKCS #12 file (.p12/.pfx) that contains a private key, not a certificate signing request. We did not accept it. ${KEY_ADVICE}`,
  }),
  /** A PKCS #12 file without a visible key: certificates only, or contents we cannot see without its password. */
  pkcs12: (contentsHidden: boolean): IntakeFinding => ({
    code: "pkcs12",
    message: contentsHidden
      ? "This is a PKCS #12 file (.p12/.pfx), not a certificate signing request. Its contents are password-protected, so we cannot tell whether it holds a private key; " +
        `a .p12 usually does, and then it must never leave the system that uses the certificate (if it was sent anywhere, create a new key pair). ${SEND_CSR}`
      : `This is a PKCS #12 file (.p12/.pfx) holding certificates only, not a certificate signing request. ${SEND_CSR}`,
  }),
  certificate: (): IntakeFinding => ({
    code: "certificate",
    message: `This is a certificate, not a certificate signing request: we issue the certificate from your CSR. ${SEND_CSR}`,
  }),
  publicKey: (): IntakeFinding => ({
    code: "public_key",
    message:
      "This is a bare public key, not a certificate signing request. A CSR carries the public key together with your details and is signed with your private key " +
      "(for example: openssl req -new -key <your key file> -out request.csr). Send that CSR.",
  }),
  pkcs7: (): IntakeFinding => ({
    code: "pkcs7",
    message: `This is a PKCS #7 / CMS bundle (for example a .p7b/.p7c certificate chain), not a certificate signing request. ${SEND_CSR}`,
  }),
  multipleBlocks: (labels: string[]): IntakeFinding => ({
    code: "multiple_blocks",
    message: `The input contains ${labels.length} PEM blocks (${labels.join(", ")}). Send exactly one certificate signing request at a time.`,
  }),
  /** Several DER objects one after the other (binary files concatenated). `things`: "two certificate signing requests", … */
  multipleDer: (things: string): IntakeFinding => ({
    code: "multiple_blocks",
    message: `The input holds ${things} one after the other. Send exactly one certificate signing request at a time.`,
  }),
  truncatedPem: (label: string): IntakeFinding => ({
    code: "truncated",
    message: `The CSR is incomplete: it has a -----BEGIN ${label}----- line but no matching -----END ${label}----- line. Copy the whole block, including the END line.`,
  }),
  truncatedPemStart: (): IntakeFinding => ({
    code: "truncated",
    message: "The CSR is incomplete: it has an -----END----- line but no -----BEGIN----- line. Copy the whole block, from the BEGIN line to the END line.",
  }),
  truncatedDerHeader: (present: number): IntakeFinding => ({
    code: "truncated",
    message: `The CSR is incomplete: only its first ${present === 1 ? "byte is" : `${present} bytes are`} present, not even its length. Send the complete file.`,
  }),
  truncatedDer: (declared: number, present: number): IntakeFinding => ({
    code: "truncated",
    message: `The CSR is incomplete: its header declares ${declared.toLocaleString("en-US")} bytes but only ${present.toLocaleString("en-US")} are present. Send the complete file.`,
  }),
  malformed: (why: string): IntakeFinding => ({ code: "malformed", message: `The CSR is damaged and cannot be read: ${why}` }),
  /** A well-formed key that is not read at all (lib/pki/key/rsa-limits.ts): refused before any arithmetic on it. */
  unsupportedKey: (why: string): IntakeFinding => ({
    code: "unsupported_key",
    message: `The CSR's public key cannot be used: ${why}. Create a new key pair of a usual size (for example RSA 3072 or ECDSA P-256) and a CSR from it.`,
  }),
  /** BER that is not DER (lib/pki/csr/asn1-nodes.ts derViolation): RFC 2986 §4.2 signs the DER of certificationRequestInfo. */
  notDer: (why: string): IntakeFinding => ({
    code: "not_der",
    message: `The CSR is not DER-encoded: ${why}. RFC 2986 requires the DER encoding, and a certificate cannot be issued from anything else. Create the CSR again with a standard tool (for example openssl req -new), which writes DER.`,
  }),
  trailingBytes: (n: number): IntakeFinding =>
    findings.malformed(`there ${n === 1 ? "is 1 unexpected byte" : `are ${n.toLocaleString("en-US")} unexpected bytes`} after the end of the DER data.`),
  unreadable: (what?: string): IntakeFinding => ({
    code: "unreadable",
    message: `${what ?? "This does not look like a certificate signing request."} ${SEND_CSR}`,
  }),
} as const;
