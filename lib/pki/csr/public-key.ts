// What kind of key a CSR's SubjectPublicKeyInfo holds (RFC 5280 §4.1.2.7): RSA (RFC 8017
// App. A.1.1, RFC 4055 for id-RSASSA-PSS keys), EC (RFC 5480), EdDSA (RFC 8410), DSA (RFC 3279 §2.3.2).
import {
  type Node,
  bitLength,
  children,
  contentBytes,
  integerMagnitude,
  isAlgorithmIdentifier,
  isBitString,
  isInteger,
  isOctetString,
  isOid,
  isSequence,
  oidOf,
  parseExact,
} from "./asn1-nodes";
import { canonicalEcSpki, canonicalRsaSpki } from "@/lib/pki/key/canonical-spki";
import { rsaKeySizeProblem } from "@/lib/pki/key/rsa-limits";
import { toHex } from "@/lib/pki/pem";
import { EcPointError, type PrimeCurve, curveByOid, decodeEcPoint, magnitudeHex, PRIME_CURVES } from "@/lib/pki/key/ec-curves";
import { CURVES, OID } from "@/lib/pki/oids";

export type PublicKeyType = "rsa" | "ec" | "ed25519" | "ed448" | "dsa" | "unknown";

export type PublicKeyDescription = {
  type: PublicKeyType;
  /** The SPKI algorithm OID. */
  oid: string;
  bits?: number;
  exponent?: number;
  /** "P-256", "P-384", "P-521", "secp256k1", ... or the curve OID. */
  curve?: string;
  /** For people: "RSA 2048", "RSA-PSS 2048", "ECDSA P-256", "Ed25519", "DSA 2048", ... */
  label: string;
};

/** The parts of an SPKI the signature verifier needs besides the description. */
export type PublicKeyMaterial = {
  /** AlgorithmIdentifier.parameters, when present. */
  params: Node | undefined;
  /** subjectPublicKey BIT STRING content. */
  keyBytes: Uint8Array;
  /** RSA only: modulus (no leading zero octets) and public exponent. */
  rsa?: { modulus: Uint8Array; exponent: Uint8Array };
};

export class PublicKeyError extends Error {}

/** A well-formed key Keyport does not read: an RSA key over the size limits of lib/pki/key/rsa-limits.ts. */
export class UnsupportedKeyError extends PublicKeyError {}

export type DescribedPublicKey = {
  key: PublicKeyDescription;
  material: PublicKeyMaterial;
  /**
   * The key's canonical SubjectPublicKeyInfo (lib/pki/key/canonical-spki.ts) — RSA as
   * rsaEncryption with minimal INTEGERs, EC on a known curve as namedCurve + uncompressed
   * point — or null when there is no other encoding to prefer (EdDSA, DSA, unknown).
   */
  canonicalSpki: Uint8Array | null;
};

export function describePublicKey(spki: Node): DescribedPublicKey {
  const [algId, bits] = children(spki);
  if (!isSequence(spki) || !isAlgorithmIdentifier(algId) || !isBitString(bits)) {
    throw new PublicKeyError("the public key is not a SubjectPublicKeyInfo");
  }
  const [algOid, params] = children(algId);
  const oid = isOid(algOid) ? oidOf(algOid) : "";
  const keyBytes = contentBytes(bits);
  const material: PublicKeyMaterial = { params, keyBytes };

  switch (oid) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
      const rsaKey = parseExact(keyBytes);
      const [n, e] = children(rsaKey ?? undefined);
      if (!rsaKey || !isSequence(rsaKey) || !isInteger(n) || !isInteger(e) || children(rsaKey).length !== 2) {
        throw new PublicKeyError("the RSA public key is not an RSAPublicKey");
      }
      // Both are positive (RFC 8017 §3.1); a negative INTEGER is not a key, whatever its magnitude.
      if (contentBytes(n)[0] & 0x80 || contentBytes(e)[0] & 0x80) throw new PublicKeyError("the RSA public key has a negative modulus or exponent");
      const modulus = integerMagnitude(n);
      const exponent = integerMagnitude(e);
      // Before anything else is done with them: verification, canonical encoding, fingerprint.
      const tooLarge = rsaKeySizeProblem(modulus, exponent);
      if (tooLarge) throw new UnsupportedKeyError(tooLarge);
      const size = bitLength(modulus);
      // At most 256 bits: exact up to 2^53, and never 65537 beyond (which is all the checks ask).
      let exp = 0;
      for (const b of exponent) exp = exp * 256 + b;
      material.rsa = { modulus, exponent };
      const family = oid === OID.rsassaPss ? "RSA-PSS" : "RSA";
      return { key: { type: "rsa", oid, bits: size, exponent: exp, label: `${family} ${size}` }, material, canonicalSpki: canonicalRsaSpki(modulus, exponent) };
    }
    case OID.idEcPublicKey: {
      // ECParameters ::= CHOICE { namedCurve OID, implicitCurve NULL, specifiedCurve SEQUENCE } (RFC 5480 §2.1.1 allows only namedCurve)
      // Explicit parameters equal to a named curve's are that curve (OpenSSL writes them with -param_enc explicit).
      const prime = isOid(params) ? curveByOid(oidOf(params)) : matchSpecifiedCurve(params);
      if (prime) {
        let point;
        try {
          point = decodeEcPoint(prime, keyBytes);
        } catch (e) {
          if (e instanceof EcPointError) throw new PublicKeyError(e.message);
          throw e;
        }
        const key: PublicKeyDescription = { type: "ec", oid, curve: prime.name, bits: prime.bits, label: `ECDSA ${prime.name}` };
        return { key, material, canonicalSpki: canonicalEcSpki(prime, point.uncompressed) };
      }
      if (!isOid(params)) return { key: { type: "ec", oid, label: "ECDSA (explicit curve parameters)" }, material, canonicalSpki: null };
      const curveOid = oidOf(params);
      const known = CURVES[curveOid];
      const curve = known?.name ?? curveOid;
      return { key: { type: "ec", oid, curve, ...(known ? { bits: known.bits } : {}), label: `ECDSA ${curve}` }, material, canonicalSpki: null };
    }
    case OID.ed25519:
      return { key: { type: "ed25519", oid, label: "Ed25519" }, material, canonicalSpki: null };
    case OID.ed448:
      return { key: { type: "ed448", oid, label: "Ed448" }, material, canonicalSpki: null };
    case OID.idDsa: {
      // Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }; the key size is the size of p.
      const p = children(params)[0];
      if (isSequence(params) && isInteger(p)) {
        const size = bitLength(integerMagnitude(p));
        return { key: { type: "dsa", oid, bits: size, label: `DSA ${size}` }, material, canonicalSpki: null };
      }
      return { key: { type: "dsa", oid, label: "DSA" }, material, canonicalSpki: null };
    }
    case OID.x25519:
      return { key: { type: "unknown", oid, label: "X25519 (key agreement only, cannot sign)" }, material, canonicalSpki: null };
    case OID.x448:
      return { key: { type: "unknown", oid, label: "X448 (key agreement only, cannot sign)" }, material, canonicalSpki: null };
    default:
      return { key: { type: "unknown", oid, label: `Unknown key algorithm ${oid || "(invalid OID)"}` }, material, canonicalSpki: null };
  }
}

const PRIME_FIELD = "1.2.840.10045.1.1";
/** The longest field element or order of a known curve (P-521: 66 octets), plus a sign octet. */
const MAX_CURVE_OCTETS = Math.max(...PRIME_CURVES.map((c) => c.size)) + 1;

/**
 * SpecifiedECDomain (SEC 1 §C.2; RFC 5480 §2.1.1 forbids it in certificates) whose prime,
 * coefficients, base point, order and cofactor are exactly those of a curve we know.
 *   SEQUENCE { version INTEGER, fieldID SEQUENCE { prime-field OID, p INTEGER },
 *              curve SEQUENCE { a OCTET STRING, b OCTET STRING, seed BIT STRING OPTIONAL },
 *              base OCTET STRING, order INTEGER, cofactor INTEGER OPTIONAL, ... }
 */
function matchSpecifiedCurve(params: Node | undefined): PrimeCurve | null {
  if (!isSequence(params)) return null;
  const [version, fieldId, curve, base, order, cofactor] = children(params);
  const [fieldType, prime] = children(fieldId);
  const [a, b] = children(curve);
  if (!isInteger(version) || !isSequence(fieldId) || !isOid(fieldType) || oidOf(fieldType) !== PRIME_FIELD || !isInteger(prime)) return null;
  if (!isSequence(curve) || !isOctetString(a) || !isOctetString(b) || !isOctetString(base) || !isInteger(order)) return null;
  // Numbers longer than any known curve's cannot match one: not even turned into hex.
  if (![prime, a, b, order, ...(cofactor ? [cofactor] : [])].every((n) => contentBytes(n).length <= MAX_CURVE_OCTETS)) return null;
  const value = (n: Node) => magnitudeHex(isInteger(n) ? integerMagnitude(n) : contentBytes(n));
  const p = value(prime);
  const match = PRIME_CURVES.find((c) => c.p === p && c.a === value(a) && c.b === value(b) && c.n === value(order));
  if (!match || (cofactor !== undefined && (!isInteger(cofactor) || value(cofactor) !== match.h))) return null;
  try {
    const g = decodeEcPoint(match, contentBytes(base));
    return toHex(g.uncompressed) === match.g ? match : null;
  } catch {
    return null;
  }
}
