// Naming a CSR's signatureAlgorithm (RFC 2986 §4.2) and reading RSASSA-PSS parameters
// (RFC 4055 §3.1, RFC 8017 App. A.2.3).
import { type Node, children, isContext, isOid, isSequence, isUniversal, oidOf, smallInteger, UNIVERSAL_TAG } from "./asn1-nodes";
import { HASH_BY_OID, HASH_DISPLAY_NAMES, type HashName, OID, SIGNATURE_ALGORITHMS, type SignatureScheme } from "@/lib/pki/oids";

export type SignatureAlgorithmDescription = {
  oid: string;
  name: string;
  scheme: SignatureScheme;
  /** The digest; for RSASSA-PSS the hashAlgorithm from the parameters; null when none or unknown. */
  hash: HashName | null;
};

export type PssParams = { hash: HashName | null; hashOid: string; mgf: string; mgfHash: HashName | null; saltLength: number; trailerField: number };

export function describeSignatureAlgorithm(algId: Node): { signature: SignatureAlgorithmDescription; pss: PssParams | null; pssError?: string } {
  const [algOid, params] = children(algId);
  const oid = isOid(algOid) ? oidOf(algOid) : "";
  const known = SIGNATURE_ALGORITHMS[oid];
  if (!known) return { signature: { oid, name: oid || "(invalid)", scheme: "other", hash: null }, pss: null };
  if (known.scheme !== "rsa-pss") return { signature: { oid, ...known }, pss: null };
  // RFC 4055 §3.1: the parameters MUST be present in a signature AlgorithmIdentifier.
  const read = readPssParams(params);
  if (typeof read === "string") return { signature: { oid, ...known }, pss: null, pssError: read };
  // A digest outside HashName is named in the algorithm's name, so messages still say which.
  const name = read.hash ? known.name : `${known.name} with ${HASH_DISPLAY_NAMES[read.hashOid] ?? read.hashOid}`;
  return { signature: { oid, ...known, name, hash: read.hash }, pss: read };
}

const SHA1_DEFAULT = OID.sha1;

/**
 * RSASSA-PSS-params ::= SEQUENCE {
 *   hashAlgorithm [0] HashAlgorithm DEFAULT sha1, maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
 *   saltLength [2] INTEGER DEFAULT 20, trailerField [3] INTEGER DEFAULT 1 }   (all EXPLICIT)
 * Returns a reason string when the parameters are absent or malformed.
 */
export function readPssParams(params: Node | undefined): PssParams | string {
  if (!params || isUniversal(params, UNIVERSAL_TAG.NULL)) return "the RSASSA-PSS parameters are missing";
  if (!isSequence(params)) return "the RSASSA-PSS parameters are not a SEQUENCE";
  let hashOid: string = SHA1_DEFAULT;
  let mgf: string = OID.mgf1;
  let mgfHashOid: string = SHA1_DEFAULT;
  let saltLength = 20;
  let trailerField = 1;
  for (const field of children(params)) {
    const inner = children(field)[0];
    if (isContext(field, 0)) {
      const h = children(inner)[0];
      if (!isSequence(inner) || !isOid(h)) return "the RSASSA-PSS hashAlgorithm is malformed";
      hashOid = oidOf(h);
    } else if (isContext(field, 1)) {
      const [m, mParams] = children(inner);
      if (!isSequence(inner) || !isOid(m)) return "the RSASSA-PSS maskGenAlgorithm is malformed";
      mgf = oidOf(m);
      const mh = children(mParams)[0];
      if (mgf === OID.mgf1) {
        if (!isSequence(mParams) || !isOid(mh)) return "the RSASSA-PSS MGF1 hash is malformed";
        mgfHashOid = oidOf(mh);
      }
    } else if (isContext(field, 2)) {
      const v = smallInteger(inner);
      if (v === null) return "the RSASSA-PSS saltLength is malformed";
      saltLength = v;
    } else if (isContext(field, 3)) {
      const v = smallInteger(inner);
      if (v === null) return "the RSASSA-PSS trailerField is malformed";
      trailerField = v;
    } else {
      return "the RSASSA-PSS parameters contain an unknown field";
    }
  }
  return { hash: HASH_BY_OID[hashOid] ?? null, hashOid, mgf, mgfHash: HASH_BY_OID[mgfHashOid] ?? null, saltLength, trailerField };
}
