// Structural recognition of DER blobs people send instead of (or as) a CSR. Every check
// looks at the ASN.1 shape only; nothing is decrypted and no key material is read.
import {
  type Node,
  UNIVERSAL_TAG,
  children,
  isAlgorithmIdentifier,
  isBitString,
  isContext,
  isInteger,
  isOctetString,
  isOid,
  isSequence,
  isSet,
  isUniversal,
  contentBytes,
  oidOf,
  parseExact,
  smallInteger,
} from "./asn1-nodes";
import { OID } from "@/lib/pki/oids";
import { concat } from "@/lib/pki/cert/der";

export type DerKind = "csr" | "certificate" | "crl" | "private_key" | "public_key" | "pkcs7" | "pkcs12" | "unknown";

export type OuterHeader =
  | { ok: true; headerLength: number; contentLength: number | null /* null: BER indefinite length */ }
  /** incomplete: the input ends inside the tag and length octets (a cut-off file, not bad DER). */
  | { ok: false; incomplete?: boolean };

/** X.690 §8.1.3: the tag and length octets of the first element, without parsing its content. */
export function readOuterHeader(bytes: Uint8Array): OuterHeader {
  if (bytes.length < 2) return bytes.length === 1 && (bytes[0] & 0x1f) !== 0x1f ? { ok: false, incomplete: true } : { ok: false };
  if ((bytes[0] & 0x1f) === 0x1f) return { ok: false };
  const first = bytes[1];
  if (first < 0x80) return { ok: true, headerLength: 2, contentLength: first };
  if (first === 0x80) return { ok: true, headerLength: 2, contentLength: null };
  const n = first & 0x7f;
  if (n > 4) return { ok: false };
  if (bytes.length < 2 + n) return { ok: false, incomplete: true };
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + bytes[2 + i];
  return { ok: true, headerLength: 2 + n, contentLength: len };
}

/** The magic at the start of a decoded OpenSSH private key ("openssh-key-v1\0", PROTOCOL.key). */
const OPENSSH_MAGIC = [0x6f, 0x70, 0x65, 0x6e, 0x73, 0x73, 0x68, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x76, 0x31, 0x00];

export function isOpenSshPrivateKey(bytes: Uint8Array): boolean {
  return bytes.length >= OPENSSH_MAGIC.length && OPENSSH_MAGIC.every((b, i) => bytes[i] === b);
}

const allIntegers = (nodes: readonly Node[]) => nodes.every((n) => isInteger(n));

/** Which kind of object this DER element is, by shape. */
export function classifyDer(root: Node): DerKind {
  if (!isSequence(root)) return "unknown";
  const kids = children(root);
  const [a, b, c] = kids;
  const version = smallInteger(a);

  // PKCS #12 PFX (RFC 7292 §4): SEQUENCE { INTEGER 3, ContentInfo (data | signedData), MacData OPTIONAL }.
  // Whether it holds a private key is pfxKeyContent's question.
  if (version === 3 && isSequence(b)) {
    const ct = children(b)[0];
    if (isOid(ct) && (oidOf(ct) === OID.pkcs7Data || oidOf(ct) === OID.pkcs7SignedData)) return "pkcs12";
  }
  // PKCS #8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208 §5, RFC 5958 §2): { INTEGER 0|1, AlgorithmIdentifier, OCTET STRING, ... }
  if ((version === 0 || version === 1) && isAlgorithmIdentifier(b) && isOctetString(c)) return "private_key";
  // EncryptedPrivateKeyInfo (RFC 5958 §3): { AlgorithmIdentifier, OCTET STRING }
  if (kids.length === 2 && isAlgorithmIdentifier(a) && isOctetString(b)) return "private_key";
  // SEC 1 ECPrivateKey (RFC 5915 §3): { INTEGER 1, OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }
  if (version === 1 && isOctetString(b) && kids.length <= 4) return "private_key";
  // PKCS #1 RSAPrivateKey (RFC 8017 App. A.1.2): { version, n, e, d, p, q, dP, dQ, qInv, otherPrimeInfos OPTIONAL }
  if ((version === 0 || version === 1) && kids.length >= 9 && allIntegers(kids.slice(0, 9))) return "private_key";
  // OpenSSL's traditional DSA private key: { INTEGER 0, p, q, g, y, x }
  if (version === 0 && kids.length === 6 && allIntegers(kids)) return "private_key";

  // Signed objects: { toBeSigned SEQUENCE, AlgorithmIdentifier, BIT STRING } (RFC 2986 §4.2, RFC 5280 §4.1, §5.1)
  if (kids.length === 3 && isSequence(a) && isAlgorithmIdentifier(b) && isBitString(c)) {
    const tbs = children(a);
    // CertificationRequestInfo: { INTEGER version, Name, SubjectPublicKeyInfo, [0] attributes }
    if (isInteger(tbs[0]) && isName(tbs[1]) && isSequence(tbs[2]) && isAlgorithmIdentifier(children(tbs[2])[0]) && isBitString(children(tbs[2])[1])) {
      return "csr";
    }
    // TBSCertificate: { [0] EXPLICIT version (absent in v1), serial, signature AlgId, issuer, validity, subject, spki, ... }
    const certStart = isContext(tbs[0], 0) ? 1 : 0;
    if (isInteger(tbs[certStart]) && isAlgorithmIdentifier(tbs[certStart + 1]) && isName(tbs[certStart + 2]) && isSequence(tbs[certStart + 3])) {
      return "certificate";
    }
    // TBSCertList: { version OPTIONAL, signature AlgId, issuer, thisUpdate Time, ... }
    const crlStart = isInteger(tbs[0]) ? 1 : 0;
    if (isAlgorithmIdentifier(tbs[crlStart]) && isName(tbs[crlStart + 1]) && isTime(tbs[crlStart + 2])) return "crl";
  }

  // SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): { AlgorithmIdentifier, BIT STRING }
  if (kids.length === 2 && isAlgorithmIdentifier(a) && isBitString(b)) return "public_key";
  // PKCS #1 RSAPublicKey: { modulus INTEGER, publicExponent INTEGER }
  if (kids.length === 2 && allIntegers(kids) && version === null) return "public_key";
  // ContentInfo (RFC 5652 §3): { contentType OID (PKCS #7 / CMS), [0] EXPLICIT content }
  if (isOid(a) && isContext(b, 0)) {
    const ct = oidOf(a);
    if (ct.startsWith(OID.pkcs7Prefix) || ct.startsWith(OID.cmsContentTypePrefix)) return "pkcs7";
  }
  return "unknown";
}

/** Name (RFC 5280 §4.1.2.4): SEQUENCE OF RelativeDistinguishedName (SET); may be empty. */
function isName(n: Node | undefined): boolean {
  return isSequence(n) && children(n).every((rdn) => isSet(rdn));
}

function isTime(n: Node | undefined): boolean {
  return isUniversal(n, UNIVERSAL_TAG.UTC_TIME) || isUniversal(n, UNIVERSAL_TAG.GENERALIZED_TIME);
}

/** PKCS #12 bag types (RFC 7292 §4.2). */
const KEY_BAG = "1.2.840.113549.1.12.10.1.1";
const SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6";

/** OCTET STRING content, also in the constructed (BER) form some PKCS #12 writers use. */
function octetContent(n: Node | undefined): Uint8Array | null {
  if (!isOctetString(n)) return null;
  if (!n.constructed) return contentBytes(n);
  const parts = children(n).map(octetContent);
  if (parts.some((p) => p === null)) return null;
  return concat(parts as Uint8Array[]);
}

/** The SEQUENCE inside a ContentInfo of type data: { OID data, [0] EXPLICIT OCTET STRING }. */
function dataContent(contentInfo: Node | undefined): Node | null {
  const [type, wrapped] = children(contentInfo);
  if (!isOid(type) || oidOf(type) !== OID.pkcs7Data || !isContext(wrapped, 0)) return null;
  const bytes = octetContent(children(wrapped)[0]);
  return bytes ? parseExact(bytes) : null;
}

type SeenBags = { key: boolean; hidden: boolean };

function scanSafeContents(safeContents: Node, seen: SeenBags, depth: number): void {
  for (const bag of children(safeContents)) {
    const [bagId, value] = children(bag);
    if (!isOid(bagId)) {
      seen.hidden = true;
      continue;
    }
    const id = oidOf(bagId);
    if (id === KEY_BAG || id === SHROUDED_KEY_BAG) seen.key = true;
    else if (id === SAFE_CONTENTS_BAG && depth < 4 && isSequence(children(value)[0])) scanSafeContents(children(value)[0], seen, depth + 1);
    else if (id === SAFE_CONTENTS_BAG) seen.hidden = true;
  }
}

/**
 * What a PFX shows of its contents without its password: "key" when a keyBag or
 * pkcs8ShroudedKeyBag is visible, "none" when every part is visible and none is a key,
 * "hidden" when some part is encrypted (OpenSSL encrypts the certificates by default) or unreadable.
 */
export function pfxKeyContent(pfx: Node): "key" | "none" | "hidden" {
  const authSafe = dataContent(children(pfx)[1]);
  if (!authSafe || !isSequence(authSafe)) return "hidden";
  const seen: SeenBags = { key: false, hidden: false };
  for (const contentInfo of children(authSafe)) {
    const safeContents = dataContent(contentInfo);
    if (safeContents && isSequence(safeContents)) scanSafeContents(safeContents, seen, 0);
    else seen.hidden = true; // encryptedData, envelopedData, or not readable
  }
  return seen.key ? "key" : seen.hidden ? "hidden" : "none";
}
