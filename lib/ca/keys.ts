// CA key generation and signing. The only place that holds CA private keys in
// memory; they leave this module only encrypted (key-vault.ts).
import { generateKeyPair, sign as nodeSign, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { CA_KEY_TYPES, type CaKeyType, SIGNATURE_ALGORITHM_FOR_KEY_TYPE, type Signer } from "@/lib/pki/cert/signer";

const generate = promisify(generateKeyPair);

export { CA_KEY_TYPES, type CaKeyType };

export async function generateCaKey(keyType: CaKeyType): Promise<{ privateKey: KeyObject; spkiDer: Uint8Array }> {
  const pair = keyType.startsWith("rsa")
    ? await generate("rsa", { modulusLength: Number(keyType.slice(4)), publicExponent: 65537 })
    : await generate("ec", { namedCurve: keyType === "ecdsa-p256" ? "P-256" : "P-384" });
  return { privateKey: pair.privateKey, spkiDer: new Uint8Array(pair.publicKey.export({ format: "der", type: "spki" })) };
}

/** A signer for lib/pki: node's OpenSSL signs (PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC). */
export function makeSigner(privateKey: KeyObject, keyType: CaKeyType): Signer {
  const alg = SIGNATURE_ALGORITHM_FOR_KEY_TYPE[keyType];
  return {
    keyType,
    signatureAlgorithmOid: alg.oid,
    sign: (data: Uint8Array): Uint8Array => new Uint8Array(nodeSign(alg.opensslDigest, data, privateKey)),
  };
}
