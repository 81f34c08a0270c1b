// Does this private key belong to this certificate? Compares public keys: RSA modulus and
// exponent, EC curve and point. Runs in the browser (partner-side PKCS#12 assembly).
import { PkiError } from "../cert/errors";
import { TAG, bytesEqual, readChildren, readSingle, valueBytes } from "../cert/der";
import { splitCertificate } from "../cert/certificate-der";
import { decodeOid } from "../cert/name";
import { OID } from "@/lib/pki/oids";
import { curveName, inspectSpki } from "../cert/signer";
import { rsaKeySizeProblem } from "../key/rsa-limits";

interface Pkcs8Summary {
  algorithmOid: string;
  /** Curve from the AlgorithmIdentifier parameters or ECPrivateKey [0] (EC only). */
  curveOid?: string;
  /** The privateKey OCTET STRING contents (RSAPrivateKey or ECPrivateKey). */
  privateKey: Uint8Array;
}

function readPkcs8(der: Uint8Array): Pkcs8Summary {
  const what = "PKCS#8 private key";
  const outer = readSingle(der, TAG.SEQUENCE, what);
  const [version, alg, key] = readChildren(der, outer, what);
  if (version?.tag !== TAG.INTEGER || alg?.tag !== TAG.SEQUENCE || key?.tag !== TAG.OCTET_STRING) throw new PkiError("invalid_input", `Malformed ${what}`);
  const [oid, params] = readChildren(der, alg, what);
  return {
    algorithmOid: decodeOid(valueBytes(der, oid)),
    curveOid: params?.tag === TAG.OID ? decodeOid(valueBytes(der, params)) : undefined,
    privateKey: valueBytes(der, key),
  };
}

const stripZeros = (b: Uint8Array) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

function rsaPublicFromPrivate(rsaPrivateKey: Uint8Array): { n: Uint8Array; e: Uint8Array } {
  // RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, … } (RFC 8017 §A.1.2)
  const seq = readSingle(rsaPrivateKey, TAG.SEQUENCE, "RSAPrivateKey");
  const [, n, e] = readChildren(rsaPrivateKey, seq, "RSAPrivateKey");
  if (n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) throw new PkiError("invalid_input", "Malformed RSAPrivateKey");
  const key = { n: stripZeros(valueBytes(rsaPrivateKey, n)), e: stripZeros(valueBytes(rsaPrivateKey, e)) };
  const tooLarge = rsaKeySizeProblem(key.n, key.e);
  if (tooLarge) throw new PkiError("invalid_input", `Unsupported RSA private key: ${tooLarge}`);
  return key;
}

function rsaPublicFromSpki(publicKeyBits: Uint8Array): { n: Uint8Array; e: Uint8Array } {
  const seq = readSingle(publicKeyBits, TAG.SEQUENCE, "RSAPublicKey");
  const [n, e] = readChildren(publicKeyBits, seq, "RSAPublicKey");
  return { n: stripZeros(valueBytes(publicKeyBits, n)), e: stripZeros(valueBytes(publicKeyBits, e)) };
}

/** The uncompressed EC point of an EC private key: ECPrivateKey [1] publicKey if present, else derived with WebCrypto. */
async function ecPublicPoint(pkcs8Der: Uint8Array, ecPrivateKey: Uint8Array, curve: string): Promise<{ point: Uint8Array; curveOid?: string }> {
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey BIT STRING OPTIONAL } (RFC 5915)
  const seq = readSingle(ecPrivateKey, TAG.SEQUENCE, "ECPrivateKey");
  let curveOid: string | undefined;
  let point: Uint8Array | undefined;
  for (const field of readChildren(ecPrivateKey, seq, "ECPrivateKey")) {
    if (field.tag === 0xa0) {
      const [oid] = readChildren(ecPrivateKey, field, "ECPrivateKey");
      if (oid?.tag === TAG.OID) curveOid = decodeOid(valueBytes(ecPrivateKey, oid));
    }
    if (field.tag === 0xa1) {
      const [bits] = readChildren(ecPrivateKey, field, "ECPrivateKey");
      if (bits?.tag === TAG.BIT_STRING) point = ecPrivateKey.subarray(bits.valueStart + 1, bits.end);
    }
  }
  if (point) return { point, curveOid };
  // No embedded public key: let WebCrypto compute it (JWK export carries x and y).
  const key = await globalThis.crypto.subtle.importKey("pkcs8", pkcs8Der as Uint8Array<ArrayBuffer>, { name: "ECDSA", namedCurve: curve }, true, ["sign"]);
  const jwk = await globalThis.crypto.subtle.exportKey("jwk", key);
  const fromB64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const x = fromB64url(jwk.x as string);
  const y = fromB64url(jwk.y as string);
  const out = new Uint8Array(1 + x.length + y.length);
  out[0] = 0x04;
  out.set(x, 1);
  out.set(y, 1 + x.length);
  return { point: out, curveOid };
}

/**
 * True when the PKCS#8 private key's public half is the certificate's public key (RSA: modulus and
 * exponent; EC: curve and point). Throws PkiError("invalid_input") on malformed input or other algorithms.
 */
export async function privateKeyMatchesCertificate(pkcs8Der: Uint8Array, certDer: Uint8Array): Promise<boolean> {
  const key = readPkcs8(pkcs8Der);
  const spki = inspectSpki(splitCertificate(certDer).spki);
  if (key.algorithmOid === OID.rsaEncryption) {
    if (spki.algorithm !== "rsa") return false;
    const priv = rsaPublicFromPrivate(key.privateKey);
    const pub = rsaPublicFromSpki(spki.publicKeyBits);
    return bytesEqual(priv.n, pub.n) && bytesEqual(priv.e, pub.e);
  }
  if (key.algorithmOid === OID.idEcPublicKey) {
    if (spki.algorithm !== "ec") return false;
    const curve = curveName(spki.curveOid);
    if (!curve) return false;
    if (key.curveOid !== undefined && key.curveOid !== spki.curveOid) return false;
    const { point, curveOid } = await ecPublicPoint(pkcs8Der, key.privateKey, curve);
    if (curveOid !== undefined && curveOid !== spki.curveOid) return false;
    return bytesEqual(point, spki.publicKeyBits);
  }
  throw new PkiError("invalid_input", `Unsupported private key algorithm ${key.algorithmOid}: only RSA and EC keys`);
}
