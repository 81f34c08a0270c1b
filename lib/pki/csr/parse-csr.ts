// Parsing a PKCS #10 CertificationRequest (RFC 2986 §4) into what partners and officers
// review and what issuance needs, and checking its self-signature. Pure: no Node APIs;
// hashing and verification through globalThis.crypto.subtle (browser and Node 20).
//
//   CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
//   CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) }, subject Name,
//                                           subjectPKInfo SubjectPublicKeyInfo, attributes [0] Attributes }
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { pemEncode, toHex } from "@/lib/pki/pem";
import { BER_OPTIONS, type Node, children, contentBytes, encodedBytes } from "./asn1-nodes";
import { ExtensionError, type RequestedExtension, type SubjectAltName, readRequestedExtensions } from "./extensions";
import { CsrError, type IntakeFinding, findings } from "./findings";
import { decodeCsrInput } from "./intake";
import { NameError, type SubjectAttribute, formatName, readName } from "./name";
import type { HashName, SignatureScheme } from "./oids";
import { type PublicKeyDescription, PublicKeyError, describePublicKey } from "./public-key";
import { sha256 } from "./sha256";
import { describeSignatureAlgorithm } from "./signature-algorithm";
import { verifySelfSignature } from "./verify-signature";

export { CsrError } from "./findings";
export type { IntakeCode, IntakeFinding } from "./findings";
export type { SubjectAttribute } from "./name";
export type { SubjectAltName, RequestedExtension } from "./extensions";
export type { PublicKeyDescription } from "./public-key";

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
  /** The subject Name exactly as encoded in the CSR (issuance copies these bytes). */
  subjectDer: Uint8Array;
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
  /** SHA-256 of spkiDer, lower-case hex without separators: equal for every encoding of one key. */
  publicKeyFingerprint: string;
  signature: { oid: string; name: string; scheme: SignatureScheme; hash: HashName | null };
  signatureValid: boolean;
  signatureError?: string;
  /** The signature scheme cannot be checked here (DSA, MD5, secp256k1, ...): not a mismatch. */
  signatureUnsupported?: boolean;
};

const malformed = (why: string) => new CsrError(findings.malformed(why));

/** Parse DER (as returned by decodeCsrInput) and verify its self-signature. Throws CsrError when it is not a CSR. */
export async function parseCsr(der: Uint8Array): Promise<ParsedCsr> {
  const parsed = asn1js.fromBER(der as BufferSource, BER_OPTIONS);
  if (parsed.offset === -1) throw malformed("the data is not valid DER (X.690).");
  if (parsed.offset !== der.length) throw new CsrError(findings.trailingBytes(der.length - parsed.offset));
  let csr: pkijs.CertificationRequest;
  try {
    csr = new pkijs.CertificationRequest({ schema: parsed.result });
  } catch {
    throw malformed("the data does not have the structure of a PKCS #10 certificate signing request (RFC 2986).");
  }
  if (csr.version !== 0) throw malformed(`the CSR version is ${csr.version}; RFC 2986 defines only version 1 (encoded as 0).`);

  // The raw nodes, for exact bytes and for the RDN structure pkijs flattens.
  const info = children(parsed.result)[0];
  const [, nameNode, spkiNode] = children(info);
  const algNode = children(parsed.result)[1];

  try {
    const subjectRdns = readName(nameNode);
    const { requestedExtensions, sans } = readRequestedExtensions(csr.attributes);
    const { key, material, canonicalSpki } = describePublicKey(spkiNode);
    const { signature, pss, pssError } = describeSignatureAlgorithm(algNode);
    const encodedSpki = encodedBytes(spkiNode);
    const spkiDer = (canonicalSpki ?? encodedSpki).slice();
    const spkiReencoded = canonicalSpki !== null && !bytesEqual(canonicalSpki, encodedSpki);
    const tbs = encodedBytes(info);
    const [fingerprint, check] = await Promise.all([
      fingerprintOf(spkiDer),
      verifySelfSignature({
        tbs,
        signatureValue: contentBytes(csr.signatureValue as Node),
        unusedBits: csr.signatureValue.valueBlock.unusedBits,
        spkiDer,
        key,
        material,
        algorithm: signature,
        pss,
        pssError,
      }),
    ]);
    const copy = der.slice();
    return {
      der: copy,
      pem: pemEncode("CERTIFICATE REQUEST", copy),
      subject: subjectRdns.flat(),
      subjectRdns,
      subjectString: formatName(subjectRdns),
      subjectDer: encodedBytes(nameNode).slice(),
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
    if (e instanceof NameError || e instanceof ExtensionError || e instanceof PublicKeyError) throw malformed(`${e.message}.`);
    throw e;
  }
}

/** Intake plus parsing: what the portal and the API call with the partner's input. */
export async function readCsr(input: string | Uint8Array): Promise<{ ok: true; csr: ParsedCsr } | { ok: false; finding: IntakeFinding }> {
  const decoded = decodeCsrInput(input);
  if (!decoded.ok) return decoded;
  try {
    return { ok: true, csr: await parseCsr(decoded.der) };
  } catch (e) {
    if (e instanceof CsrError) return { ok: false, finding: e.finding };
    throw e;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** SHA-256 over the SPKI DER (the usual public key pin, RFC 7469 §2.4), via WebCrypto when present. */
async function fingerprintOf(spkiDer: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  const digest = subtle ? new Uint8Array(await subtle.digest("SHA-256", spkiDer as BufferSource)) : sha256(spkiDer);
  return toHex(digest);
}
