// The CA's signing capability as lib/pki sees it. The private key lives in lib/ca (or an
// HSM); lib/pki only hands it the DER TBSCertificate / TBSCertList bytes to sign.
import { PkiError } from "./errors";
import { DER_NULL, TAG, bytesEqual, encodeOid, readChildren, readSingle, sequence, valueBytes } from "./der";
import { OID } from "@/lib/pki/oids";
import { bitLength } from "../csr/asn1-nodes";
import { parseExact, parseExactDer } from "../csr/asn1-nodes";
import { PublicKeyError, UnsupportedKeyError, describePublicKey } from "../csr/public-key";
import { describeSignatureAlgorithm as readSignatureAlgorithm } from "../csr/signature-algorithm";
import { verifySelfSignature } from "../csr/verify-signature";
import { rsaKeySizeProblem } from "../key/rsa-limits";

export type CaKeyType = "rsa-2048" | "rsa-3072" | "rsa-4096" | "ecdsa-p256" | "ecdsa-p384";

export const CA_KEY_TYPES: readonly CaKeyType[] = ["rsa-2048", "rsa-3072", "rsa-4096", "ecdsa-p256", "ecdsa-p384"];

export interface Signer {
  keyType: CaKeyType;
  /**
   * X.509 signature algorithm: sha256WithRSAEncryption for RSA 2048/3072, sha384WithRSAEncryption
   * for RSA 4096, ecdsa-with-SHA256 for P-256, ecdsa-with-SHA384 for P-384 (see SIGNATURE_ALGORITHM_FOR_KEY_TYPE).
   */
  signatureAlgorithmOid: string;
  /** Sign these bytes (the DER TBSCertificate / TBSCertList) with the hash implied above; ECDSA returns the DER ECDSA-Sig-Value. */
  sign(data: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

export type HashName = "SHA-256" | "SHA-384" | "SHA-512";

export interface SignatureAlgorithm {
  oid: string;
  family: "rsa" | "ecdsa";
  /** WebCrypto hash name. */
  hash: HashName;
  /** OpenSSL digest name (for `crypto.sign(hash, …)` and the openssl CLI). */
  opensslDigest: "sha256" | "sha384" | "sha512";
}

const ALGORITHMS: Record<string, SignatureAlgorithm> = {
  [OID.sha256WithRSAEncryption]: { oid: OID.sha256WithRSAEncryption, family: "rsa", hash: "SHA-256", opensslDigest: "sha256" },
  [OID.sha384WithRSAEncryption]: { oid: OID.sha384WithRSAEncryption, family: "rsa", hash: "SHA-384", opensslDigest: "sha384" },
  [OID.sha512WithRSAEncryption]: { oid: OID.sha512WithRSAEncryption, family: "rsa", hash: "SHA-512", opensslDigest: "sha512" },
  [OID.ecdsaWithSHA256]: { oid: OID.ecdsaWithSHA256, family: "ecdsa", hash: "SHA-256", opensslDigest: "sha256" },
  [OID.ecdsaWithSHA384]: { oid: OID.ecdsaWithSHA384, family: "ecdsa", hash: "SHA-384", opensslDigest: "sha384" },
  [OID.ecdsaWithSHA512]: { oid: OID.ecdsaWithSHA512, family: "ecdsa", hash: "SHA-512", opensslDigest: "sha512" },
};

/**
 * The signature algorithm Keyport uses per CA key type.
 *
 * RSA-4096 signs with SHA-384: its ~150-bit strength (NIST SP 800-57 puts RSA-3072 at 128 and
 * RSA-7680 at 192) exceeds SHA-256's 128-bit collision resistance, CNSA 1.0 pairs RSA ≥ 3072 with
 * SHA-384, and every TLS stack in scope (OpenSSL, Java, Go, browsers) accepts it. RSA-2048/3072
 * stay at SHA-256, the most widely accepted combination. The curves use their matching hash
 * (RFC 5480 §4).
 */
export const SIGNATURE_ALGORITHM_FOR_KEY_TYPE: Record<CaKeyType, SignatureAlgorithm> = {
  "rsa-2048": ALGORITHMS[OID.sha256WithRSAEncryption],
  "rsa-3072": ALGORITHMS[OID.sha256WithRSAEncryption],
  "rsa-4096": ALGORITHMS[OID.sha384WithRSAEncryption],
  "ecdsa-p256": ALGORITHMS[OID.ecdsaWithSHA256],
  "ecdsa-p384": ALGORITHMS[OID.ecdsaWithSHA384],
};

export function describeSignatureAlgorithm(oid: string): SignatureAlgorithm | undefined {
  return ALGORITHMS[oid];
}

/**
 * DER AlgorithmIdentifier for a signature algorithm: RSA with explicit NULL parameters
 * (RFC 4055 §5), ECDSA with parameters absent (RFC 5758 §3.2).
 */
export function encodeSignatureAlgorithm(oid: string): Uint8Array {
  const alg = ALGORITHMS[oid];
  if (!alg) throw new PkiError("signer_mismatch", `Unsupported signature algorithm ${oid}`);
  return alg.family === "rsa" ? sequence(encodeOid(oid), DER_NULL) : sequence(encodeOid(oid));
}

/** The signer's algorithm, checked against its key type's family. */
export function signerAlgorithm(signer: Signer): SignatureAlgorithm {
  const alg = ALGORITHMS[signer.signatureAlgorithmOid];
  if (!alg) throw new PkiError("signer_mismatch", `Unsupported signature algorithm ${signer.signatureAlgorithmOid}`);
  if (!CA_KEY_TYPES.includes(signer.keyType)) throw new PkiError("signer_mismatch", `Unknown CA key type ${String(signer.keyType)}`);
  const family = signer.keyType.startsWith("rsa") ? "rsa" : "ecdsa";
  if (alg.family !== family) {
    throw new PkiError("signer_mismatch", `A ${signer.keyType} key cannot sign with ${signer.signatureAlgorithmOid}`);
  }
  return alg;
}

// ---- SubjectPublicKeyInfo inspection ----

export interface SpkiSummary {
  algorithm: "rsa" | "ec";
  /** RSA modulus size in bits, or the curve's field size. */
  bits: number;
  /** Named curve OID (EC only). */
  curveOid?: string;
  /** Contents of the subjectPublicKey BIT STRING (without the unused-bits octet): input of the SKI. */
  publicKeyBits: Uint8Array;
}

const RSA_ALG_OID = encodeOid(OID.rsaEncryption);
const EC_ALG_OID = encodeOid(OID.idEcPublicKey);
const CURVES: { oid: string; der: Uint8Array; bits: number; webCrypto: string }[] = [
  { oid: OID.secp256r1, der: encodeOid(OID.secp256r1), bits: 256, webCrypto: "P-256" },
  { oid: OID.secp384r1, der: encodeOid(OID.secp384r1), bits: 384, webCrypto: "P-384" },
  { oid: OID.secp521r1, der: encodeOid(OID.secp521r1), bits: 521, webCrypto: "P-521" },
];

export function curveName(curveOid: string | undefined): string | undefined {
  return CURVES.find((c) => c.oid === curveOid)?.webCrypto;
}

/** Checks an SPKI's outer structure and returns what issuance needs. RSA and named-curve EC only. */
export function inspectSpki(spkiDer: Uint8Array): SpkiSummary {
  const what = "SubjectPublicKeyInfo";
  const outer = readSingle(spkiDer, TAG.SEQUENCE, what);
  const [alg, key, ...rest] = readChildren(spkiDer, outer, what);
  if (!alg || !key || rest.length || alg.tag !== TAG.SEQUENCE || key.tag !== TAG.BIT_STRING || key.end - key.valueStart < 2) {
    throw new PkiError("invalid_input", `Malformed ${what}`);
  }
  if (spkiDer[key.valueStart] !== 0) throw new PkiError("invalid_input", `Malformed ${what}: public key BIT STRING has unused bits`);
  const publicKeyBits = spkiDer.subarray(key.valueStart + 1, key.end);
  const [algOid, params] = readChildren(spkiDer, alg, what);
  const oidBytes = spkiDer.subarray(algOid.start, algOid.end);
  if (bytesEqual(oidBytes, RSA_ALG_OID)) {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
    const rsaKey = readSingle(publicKeyBits, TAG.SEQUENCE, "RSAPublicKey");
    const [modulus, exponent] = readChildren(publicKeyBits, rsaKey, "RSAPublicKey");
    if (modulus?.tag !== TAG.INTEGER || exponent?.tag !== TAG.INTEGER) throw new PkiError("invalid_input", "Malformed RSAPublicKey");
    const n = valueBytes(publicKeyBits, modulus);
    // Bounded before a key goes anywhere near WebCrypto (lib/pki/key/rsa-limits.ts).
    const tooLarge = rsaKeySizeProblem(n, valueBytes(publicKeyBits, exponent));
    if (tooLarge) throw new PkiError("invalid_input", `Unsupported RSA public key: ${tooLarge}`);
    return { algorithm: "rsa", bits: bitLength(n), publicKeyBits };
  }
  if (bytesEqual(oidBytes, EC_ALG_OID)) {
    const curve = params && CURVES.find((c) => bytesEqual(spkiDer.subarray(params.start, params.end), c.der));
    if (!curve) throw new PkiError("invalid_input", "Unsupported EC public key: only named curves P-256, P-384 and P-521");
    return { algorithm: "ec", bits: curve.bits, curveOid: curve.oid, publicKeyBits };
  }
  throw new PkiError("invalid_input", "Unsupported public key algorithm: only RSA and ECDSA keys");
}

/** The CaKeyType an SPKI corresponds to, if any. */
export function caKeyTypeOfSpki(spkiDer: Uint8Array): CaKeyType | undefined {
  const s = inspectSpki(spkiDer);
  if (s.algorithm === "rsa") return ({ 2048: "rsa-2048", 3072: "rsa-3072", 4096: "rsa-4096" } as const)[s.bits as 2048 | 3072 | 4096];
  return s.curveOid === OID.secp256r1 ? "ecdsa-p256" : s.curveOid === OID.secp384r1 ? "ecdsa-p384" : undefined;
}

// ---- verification (WebCrypto) ----

/**
 * Verifies an X.509 signature (as found in a certificate or CRL): through the one verifier of
 * lib/pki (lib/pki/csr/verify-signature.ts, WebCrypto), the same that checks CSR self-signatures.
 * RSASSA-PSS is not issued here and has no parameters in this call: false.
 */
export async function verifySignature(spkiDer: Uint8Array, signatureAlgorithmOid: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const spkiNode = parseExactDer(spkiDer);
  const algNode = parseExact(sequence(encodeOid(signatureAlgorithmOid)));
  if (!spkiNode || !algNode) return false;
  try {
    const { key, material, canonicalSpki } = describePublicKey(spkiNode);
    const { signature: algorithm, pss, pssError } = readSignatureAlgorithm(algNode);
    const check = await verifySelfSignature({ tbs: data, signatureValue: signature, unusedBits: 0, spkiDer: canonicalSpki ?? spkiDer, key, material, algorithm, pss, pssError });
    return check.valid;
  } catch (e) {
    if (e instanceof PublicKeyError || e instanceof UnsupportedKeyError) return false;
    throw e;
  }
}
