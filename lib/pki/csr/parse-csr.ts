// Parsing a PKCS #10 CertificationRequest (RFC 2986 §4) into what partners and officers
// review and what issuance needs, and checking its self-signature. Pure: no Node APIs;
// hashing and verification through globalThis.crypto.subtle (browser and Node 20).
//
//   CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
//   CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) }, subject Name,
//                                           subjectPKInfo SubjectPublicKeyInfo, attributes [0] Attributes }
import { sha256 } from "@noble/hashes/sha2.js";
import { pemEncode, toHex } from "@/lib/pki/pem";
import { bytesEqual } from "@/lib/pki/cert/der";
import {
  type Node,
  children,
  contentBytes,
  encodedBytes,
  isAlgorithmIdentifier,
  isBitString,
  isContext,
  isInteger,
  isOid,
  isSequence,
  isSet,
  oidOf,
  parseFirst,
  smallInteger,
  unusedBits,
} from "./asn1-nodes";
import { ExtensionError, type RequestedExtension, type SubjectAltName, readRequestedExtensions } from "./extensions";
import { CsrError, type IntakeFinding, findings } from "./findings";
import { decodeCsrInput } from "./intake";
import { NameError, type SubjectAttribute, formatName, readName } from "./name";
import type { HashName, SignatureScheme } from "@/lib/pki/oids";
import { type PublicKeyDescription, PublicKeyError, UnsupportedKeyError, describePublicKey } from "./public-key";
import { describeSignatureAlgorithm } from "./signature-algorithm";
import { StringEncodingError } from "./strings";
import { verifySelfSignature } from "./verify-signature";
import { type CertificateSubject, buildCertificateSubject } from "@/lib/pki/name/certificate-subject";

export { CsrError } from "./findings";
export type { IntakeCode, IntakeFinding } from "./findings";
export type { SubjectAttribute } from "./name";
export type { SubjectAltName, RequestedExtension } from "./extensions";
export type { PublicKeyDescription } from "./public-key";
export type { CertificateSubject } from "@/lib/pki/name/certificate-subject";

export type ParsedCsr = {
  der: Uint8Array;
  /** Canonical PEM, label "CERTIFICATE REQUEST" (RFC 7468 §7), 64-character lines. */
  pem: string;
  /** Subject attributes in encoded order, flattened. */
  subject: SubjectAttribute[];
  /** The RDN structure as encoded (multi-valued RDNs have more than one element). */
  subjectRdns: SubjectAttribute[][];
  /** "C=NO, O=Acme Payments AS, CN=acme-client": encoded order, RFC 4514 escaping. */
  subjectString: string;
  /** The subject Name exactly as encoded in the CSR (never signed: see certificateSubject). */
  subjectDer: Uint8Array;
  /**
   * The subject the certificate will carry, rebuilt from the decoded attributes under Keyport's
   * rules (lib/pki/name/certificate-subject.ts), or the problems that prevent it (check subject.encoding).
   */
  certificateSubject: CertificateSubject;
  /** From the extensionRequest attribute; IPs in canonical text (IPv6 per RFC 5952). */
  sans: SubjectAltName[];
  requestedExtensions: RequestedExtension[];
  key: PublicKeyDescription;
  /**
   * The public key's canonical SubjectPublicKeyInfo (lib/pki/key/canonical-spki.ts): what
   * issuance puts into the certificate and what the fingerprint is taken over. Equal to the
   * CSR's own bytes for the usual encodings (uncompressed EC points, rsaEncryption).
   */
  spkiDer: Uint8Array;
  /** True when the CSR encoded the key differently (a compressed EC point, explicit curve parameters, non-minimal integers, …). */
  spkiReencoded: boolean;
  /** SHA-256 of spkiDer, lower-case hex without separators: equal for every encoding of one key ("" in a browser without WebCrypto). */
  publicKeyFingerprint: string;
  signature: { oid: string; name: string; scheme: SignatureScheme; hash: HashName | null };
  signatureValid: boolean;
  signatureError?: string;
  /** The signature scheme cannot be checked here (DSA, MD5, secp256k1, ...): not a mismatch. */
  signatureUnsupported?: boolean;
};

const malformed = (why: string) => new CsrError(findings.malformed(why));

/**
 * CertificationRequest ::= SEQUENCE { certificationRequestInfo SEQUENCE { version INTEGER,
 * subject Name, subjectPKInfo SEQUENCE, attributes [0] IMPLICIT SET OF Attribute },
 * signatureAlgorithm AlgorithmIdentifier, signature BIT STRING } — read from the nodes directly
 * (pkijs's object model costs as much as the rest of parsing and adds nothing used here).
 */
function readStructure(root: Node) {
  const bad = () => malformed("the data does not have the structure of a PKCS #10 certificate signing request (RFC 2986).");
  const [info, algNode, signatureNode, ...extra] = children(root);
  if (!isSequence(root) || extra.length || !isSequence(info) || !isAlgorithmIdentifier(algNode) || !isBitString(signatureNode) || signatureNode.constructed) throw bad();
  const [versionNode, nameNode, spkiNode, attributesNode, ...more] = children(info);
  // RFC 2986 makes attributes mandatory (possibly empty); some encoders leave the empty [0] out.
  if (!isInteger(versionNode) || !isSequence(nameNode) || !isSequence(spkiNode) || more.length || (attributesNode && !(isContext(attributesNode, 0) && attributesNode.constructed))) {
    throw bad();
  }
  const version = smallInteger(versionNode);
  if (version !== 0) throw malformed(`the CSR version is ${version ?? "not a small number"}; RFC 2986 defines only version 1 (encoded as 0).`);
  // Attribute ::= SEQUENCE { type OID, values SET OF ANY }
  const attributes = children(attributesNode).map((a) => {
    const [type, values, ...rest] = children(a);
    if (!isSequence(a) || !isOid(type) || !isSet(values) || rest.length) throw malformed("a CSR attribute is not a SEQUENCE { type, SET OF values } (RFC 2986 §4.1).");
    return { type: oidOf(type), values: children(values) };
  });
  return { info, nameNode, spkiNode, attributes, algNode, signatureNode };
}

/**
 * Parse DER (as returned by decodeCsrInput) and verify its self-signature. Throws CsrError when
 * it is not a CSR. `root`: the parse tree of exactly these bytes, when the caller already has it.
 */
export async function parseCsr(der: Uint8Array, root?: Node): Promise<ParsedCsr> {
  let tree = root;
  if (!tree) {
    const parsed = parseFirst(der);
    if (!parsed.node) throw malformed("the data is not valid DER (X.690).");
    if (parsed.end !== der.length) throw new CsrError(findings.trailingBytes(der.length - parsed.end));
    tree = parsed.node;
  }
  const { info, nameNode, spkiNode, attributes, algNode, signatureNode } = readStructure(tree);

  try {
    const { key, material, canonicalSpki } = describePublicKey(spkiNode);
    const { signature, pss, pssError } = describeSignatureAlgorithm(algNode);
    const encodedSpki = encodedBytes(spkiNode);
    const spkiDer = (canonicalSpki ?? encodedSpki).slice();
    // Started first: WebCrypto verifies on its thread pool while the rest is read here (it never rejects).
    const verifying = verifySelfSignature({
      tbs: encodedBytes(info),
      signatureValue: contentBytes(signatureNode),
      unusedBits: unusedBits(signatureNode),
      spkiDer,
      key,
      material,
      algorithm: signature,
      pss,
      pssError,
    });
    const subjectRdns = readName(nameNode);
    const { requestedExtensions, sans } = readRequestedExtensions(attributes);
    const spkiReencoded = canonicalSpki !== null && !bytesEqual(canonicalSpki, encodedSpki);
    const copy = der.slice();
    const pem = pemEncode("CERTIFICATE REQUEST", copy);
    // SHA-256 of the SPKI, synchronously (@noble/hashes): WebCrypto's digest is a thread-pool
    // round trip that costs more than hashing a hundred bytes.
    const fingerprint = toHex(sha256(spkiDer));
    const check = await verifying;
    return {
      der: copy,
      pem,
      subject: subjectRdns.flat(),
      subjectRdns,
      subjectString: formatName(subjectRdns),
      subjectDer: encodedBytes(nameNode).slice(),
      certificateSubject: buildCertificateSubject(subjectRdns),
      sans,
      requestedExtensions,
      key,
      spkiDer,
      spkiReencoded,
      publicKeyFingerprint: fingerprint,
      signature: { oid: signature.oid, name: signature.name, scheme: signature.scheme, hash: signature.hash },
      signatureValid: check.valid,
      ...(check.error !== undefined ? { signatureError: check.error } : {}),
      ...(check.unsupported ? { signatureUnsupported: true } : {}),
    };
  } catch (e) {
    if (e instanceof UnsupportedKeyError) throw new CsrError(findings.unsupportedKey(e.message));
    if (e instanceof NameError || e instanceof ExtensionError || e instanceof PublicKeyError) throw malformed(`${e.message}.`);
    // A string inside a SAN otherName that does not match its declared type.
    if (e instanceof StringEncodingError) throw malformed(`a subjectAltName value ${e.message}.`);
    throw e;
  }
}

/** Intake plus parsing: what the portal and the API call with the partner's input. */
export async function readCsr(input: string | Uint8Array): Promise<{ ok: true; csr: ParsedCsr } | { ok: false; finding: IntakeFinding }> {
  const decoded = decodeCsrInput(input);
  if (!decoded.ok) return decoded;
  try {
    // Intake has parsed the DER already: parse once.
    return { ok: true, csr: await parseCsr(decoded.der, decoded.root) };
  } catch (e) {
    if (e instanceof CsrError) return { ok: false, finding: e.finding };
    throw e;
  }
}
