// Intake: turn what a partner pasted or uploaded into the DER of exactly one PKCS #10
// CertificationRequest (RFC 2986), or a finding that says clearly what it is instead.
// Accepts PEM (RFC 7468; any line endings, text around the block, the legacy
// "NEW CERTIFICATE REQUEST" label), raw DER and bare base64 DER. Pure: browser and Node.
import { base64Decode } from "@/lib/pki/pem";
import { type Node, derViolation, parseExact } from "./asn1-nodes";
import { type DerKind, classifyDer, isOpenSshPrivateKey, pfxKeyContent, readOuterHeader } from "./der-shape";
import { type IntakeFinding, MAX_CSR_INPUT_BYTES, findings } from "./findings";
import { displayLabel, pemBodyBase64, scanPemBlocks } from "./pem-scan";

export type { IntakeCode, IntakeFinding } from "./findings";

export type CsrInputFormat = "pem" | "der" | "base64";

export type DecodedCsrInput =
  /** root: the parse tree of `der` (asn1-nodes.ts; parseCsr reuses it rather than parse again). */
  | { ok: true; der: Uint8Array; format: CsrInputFormat; root: Node }
  | { ok: false; finding: IntakeFinding };

/** RFC 7468 §7 and the legacy Netscape/Microsoft label for the same structure. */
const CSR_LABELS = new Set(["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE", "X.509 CERTIFICATE"]);
const PUBLIC_KEY_LABELS = new Set(["PUBLIC KEY", "RSA PUBLIC KEY", "EC PUBLIC KEY", "DSA PUBLIC KEY", "PGP PUBLIC KEY BLOCK"]);
const PKCS7_LABELS = new Set(["PKCS7", "PKCS #7 SIGNED DATA", "CMS"]);

/** A PEM boundary of a private key anywhere, even an END line whose BEGIN was cut off; OpenPGP armor (RFC 4880 §6.2) says "PRIVATE KEY BLOCK". */
const PRIVATE_KEY_BOUNDARY = /-----(BEGIN|END) [^\r\n-]{0,80}PRIVATE KEY( BLOCK)?-----/i;
/** Key formats that are not PEM/DER: PuTTY .ppk, RFC 4716 SSH2 private keys. */
const OTHER_PRIVATE_KEY = [PRIVATE_KEY_BOUNDARY, /^PuTTY-User-Key-File-\d+:/m, /---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----/];
/** A JWK (RFC 7517) or JWK set with a private member "d" (RFC 7518 §6.2.2.1, §6.3.2.1, RFC 8037 §2). */
const isPrivateJwk = (text: string) => /^[{[]/.test(text) && text.includes('"kty"') && /"d"\s*:/.test(text);
/** OpenSSH authorized_keys lines and RFC 4716 public keys. */
const OTHER_PUBLIC_KEY = [/^(ssh-(rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d+|sk-\S+)\s+AAAA/, /---- BEGIN SSH2 PUBLIC KEY ----/];

export function decodeCsrInput(input: string | Uint8Array): DecodedCsrInput {
  const size = typeof input === "string" ? utf8Length(input) : input.length;
  if (size > MAX_CSR_INPUT_BYTES) return fail(findings.tooLarge(size));

  if (typeof input !== "string") {
    if (input.length === 0) return fail(findings.empty());
    // Our own copy: the parse tree returned with the DER points into these bytes.
    input = input.slice();
    // One byte 0x30 is also the text "0": as a file it is the first byte of a DER CSR.
    if (input.length === 1 && input[0] === 0x30) return fail(findings.truncatedDerHeader(1));
    const text = bytesToText(input);
    // Every DER object we accept or recognise is a SEQUENCE (0x30). DER of any size has
    // control bytes (tags, lengths) or bytes invalid as UTF-8, so it never passes as text;
    // text that merely starts with "0" does.
    if (input[0] === 0x30 && text === null) return decodeDer(input, "der");
    if (isOpenSshPrivateKey(input)) return fail(findings.privateKey(false));
    if (text === null) return fail(findings.unreadable("This file is neither a certificate signing request nor text."));
    return decodeText(text);
  }
  return decodeText(input);
}

function decodeText(input: string): DecodedCsrInput {
  const text = input.replace(/^\uFEFF/, "").trim();
  if (text === "") return fail(findings.empty());
  if (text.includes("-----BEGIN")) return decodePem(text);
  if (OTHER_PRIVATE_KEY.some((re) => re.test(text)) || isPrivateJwk(text)) return fail(findings.privateKey(false));
  if (/-----END [^\r\n-]{0,80}-----/.test(text)) return fail(findings.truncatedPemStart());
  if (OTHER_PUBLIC_KEY.some((re) => re.test(text))) return fail(findings.publicKey());
  return decodeBareBase64(text);
}

function decodePem(text: string): DecodedCsrInput {
  const blocks = scanPemBlocks(text).map((b) => {
    const b64 = pemBodyBase64(b.body);
    const der = b64 === null ? null : base64Decode(b64);
    return { ...b, b64, der, root: der && der.length ? parseExact(der) : null };
  });
  // "next to the CSR" only when a real CSR block is there too.
  const hasCsr = blocks.some((b) => CSR_LABELS.has(b.label) && b.root !== null && classifyDer(b.root) === "csr");
  const keyFinding = () => fail(findings.privateKey(hasCsr));
  // A private key anywhere wins over every other finding, whatever else is in the text...
  if (PRIVATE_KEY_BOUNDARY.test(text) || /^PuTTY-User-Key-File-\d+:/m.test(text)) return keyFinding();
  // ...including key material wrapped in an innocent-looking label.
  if (blocks.some((b) => (b.der && isOpenSshPrivateKey(b.der)) || (b.root && holdsPrivateKey(b.root)))) return keyFinding();
  if (blocks.length > 1) return fail(findings.multipleBlocks(blocks.map((b) => displayLabel(b.label))));

  const [block] = blocks;
  if (!block) return fail(findings.malformed("the -----BEGIN line is not a complete PEM boundary (RFC 7468 §2)."));
  if (block.endLabel === null) return fail(findings.truncatedPem(displayLabel(block.label)));
  if (block.endLabel !== block.label) {
    return fail(
      findings.malformed(
        `the BEGIN line says "${displayLabel(block.label)}" but the END line says "${displayLabel(block.endLabel)}" (RFC 7468 requires the same label).`,
      ),
    );
  }
  // The content decides over the label: a CSR under "CERTIFICATE" or "PUBLIC KEY" (hand-edited, or
  // from a tool that labels everything alike) is accepted — it is signed, its label carries nothing
  // we use — and a certificate under "CERTIFICATE REQUEST" is reported as the certificate it is.
  const kind = block.root ? classifyDer(block.root) : null;
  if (block.der && kind !== null && kind !== "unknown") return decodeDer(block.der, "pem", block.root);
  if (CERTIFICATE_LABELS.has(block.label)) return fail(findings.certificate());
  if (PUBLIC_KEY_LABELS.has(block.label)) return fail(findings.publicKey());
  if (PKCS7_LABELS.has(block.label)) return fail(findings.pkcs7());
  if (block.label === "X509 CRL") return fail(findings.unreadable("This is a certificate revocation list (CRL), not a certificate signing request."));
  if (!CSR_LABELS.has(block.label)) {
    return fail(findings.unreadable(`This is a PEM block labelled "${displayLabel(block.label)}", not a certificate signing request.`));
  }

  if (block.b64 === null) return fail(findings.malformed("the text between the BEGIN and END lines contains characters that are not base64."));
  if (block.der === null || block.der.length === 0) return fail(findings.malformed("the text between the BEGIN and END lines is not valid base64."));
  if (block.der[0] !== 0x30) return fail(findings.malformed("the block does not contain a DER-encoded certificate signing request."));
  return decodeDer(block.der, "pem", block.root);
}

function decodeBareBase64(text: string): DecodedCsrInput {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/=]+$/.test(clean)) return fail(findings.unreadable());
  const der = base64Decode(clean);
  // DER of a SEQUENCE starts with 0x30, which is "M" in base64: such text was meant to be base64 DER.
  if (der === null) return fail(clean.startsWith("M") ? findings.malformed("the text is not valid base64.") : findings.unreadable());
  if (isOpenSshPrivateKey(der)) return fail(findings.privateKey(false));
  if (der.length === 0 || der[0] !== 0x30) return fail(findings.unreadable());
  return decodeDer(der, "base64");
}

/** `root` is the already-parsed element when the caller has it (undefined: parse here). */
function decodeDer(der: Uint8Array, format: CsrInputFormat, root?: Node | null): DecodedCsrInput {
  const header = readOuterHeader(der);
  if (!header.ok) return fail(header.incomplete ? findings.truncatedDerHeader(der.length) : findings.malformed("the DER header is invalid."));
  if (header.contentLength !== null) {
    const declared = header.headerLength + header.contentLength;
    if (declared > der.length) {
      // Still refuse a cut-off private key as a private key.
      return fail(looksLikeTruncatedKey(der) ? findings.privateKey(false) : findings.truncatedDer(declared, der.length));
    }
    if (declared < der.length) return fail(concatenatedDer(der) ?? findings.trailingBytes(der.length - declared));
  }
  const parsed = root === undefined ? parseExact(der) : root;
  switch (parsed ? classifyDer(parsed) : null) {
    case "csr": {
      // BER was read to recognise the object; what is signed must be DER (RFC 2986 §4.2).
      const violation = derViolation(parsed!);
      if (violation) return fail(findings.notDer(violation));
      // `der` is intake's own buffer (a copy of the input, or decoded from text): no copy needed.
      return { ok: true, der, format, root: parsed! };
    }
    case "private_key":
      return fail(findings.privateKey(false));
    case "pkcs12": {
      const content = pfxKeyContent(parsed!);
      return fail(content === "key" ? findings.privateKeyPkcs12() : findings.pkcs12(content === "hidden"));
    }
    case "certificate":
      return fail(findings.certificate());
    case "public_key":
      return fail(findings.publicKey());
    case "pkcs7":
      return fail(findings.pkcs7());
    case "crl":
      return fail(findings.unreadable("This is a certificate revocation list (CRL), not a certificate signing request."));
    case null:
      return fail(findings.malformed("the data is not valid DER (X.690)."));
    default:
      return fail(findings.malformed("the data is DER, but not a PKCS #10 certificate signing request (RFC 2986)."));
  }
}

/** A private key, or a PKCS #12 file in which one is visible. */
function holdsPrivateKey(root: Node): boolean {
  const kind = classifyDer(root);
  return kind === "private_key" || (kind === "pkcs12" && pfxKeyContent(root) === "key");
}

const KIND_NAMES: Record<DerKind, [string, string]> = {
  csr: ["certificate signing request", "certificate signing requests"],
  certificate: ["certificate", "certificates"],
  crl: ["certificate revocation list", "certificate revocation lists"],
  private_key: ["private key", "private keys"],
  public_key: ["public key", "public keys"],
  pkcs7: ["PKCS #7 bundle", "PKCS #7 bundles"],
  pkcs12: ["PKCS #12 file", "PKCS #12 files"],
  unknown: ["unrecognised DER object", "unrecognised DER objects"],
};
const COUNT_WORDS = ["no", "a", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

/**
 * Several complete DER objects one after the other (e.g. `cat a.der b.der`): the finding for
 * what they are — a private key among them wins — or null when the rest is not DER (then the
 * generic "unexpected bytes" finding stands).
 */
function concatenatedDer(der: Uint8Array): IntakeFinding | null {
  const roots: Node[] = [];
  for (let at = 0; at < der.length; ) {
    const h = readOuterHeader(der.subarray(at));
    if (!h.ok || h.contentLength === null || roots.length >= 16) return null;
    const end = at + h.headerLength + h.contentLength;
    const root = end <= der.length ? parseExact(der.subarray(at, end)) : null;
    if (!root) return null;
    roots.push(root);
    at = end;
  }
  const kinds = roots.map((r) => (holdsPrivateKey(r) ? "private_key" : classifyDer(r)));
  if (kinds.includes("private_key")) return findings.privateKey(kinds.includes("csr"));
  const counts = new Map<DerKind, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => `${COUNT_WORDS[n] ?? n} ${KIND_NAMES[k][n === 1 ? 0 : 1]}`);
  const things = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
  return findings.multipleDer(things);
}

/** PKCS #5 / PKCS #12 password-based encryption OIDs (1.2.840.113549.1.5.*, 1.2.840.113549.1.12.*), DER content octets. */
const PBE_OID_PREFIXES = [
  [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05],
  [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c],
];

/**
 * Recognise a cut-off private key from its first bytes: PKCS #8, PKCS #1 and SEC 1 keys and a
 * PFX start SEQUENCE { INTEGER 0|1|3, ... }; an EncryptedPrivateKeyInfo starts
 * SEQUENCE { SEQUENCE { OID pbe..., ... }, ... }. A CSR or certificate starts SEQUENCE { SEQUENCE { INTEGER | [0] ... } }.
 */
function looksLikeTruncatedKey(der: Uint8Array): boolean {
  const h = readOuterHeader(der);
  if (!h.ok) return false;
  const i = h.headerLength;
  if (der[i] === 0x02 && der[i + 1] === 0x01 && [0, 1, 3].includes(der[i + 2])) return true;
  const inner = readOuterHeader(der.subarray(i));
  if (der[i] !== 0x30 || !inner.ok) return false;
  const j = i + inner.headerLength;
  if (der[j] !== 0x06) return false;
  const oid = der.subarray(j + 2, j + 2 + der[j + 1]);
  return PBE_OID_PREFIXES.some((p) => p.every((b, k) => oid[k] === b));
}

function bytesToText(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    // Text files have no control characters other than tab and line breaks.
    return /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text) ? null : text;
  } catch {
    return null;
  }
}

/** Bytes the string takes in UTF-8 (what an upload of it would weigh), without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const fail = (finding: IntakeFinding): DecodedCsrInput => ({ ok: false, finding });
