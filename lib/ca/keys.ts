// CA key generation and signing. The only place that holds CA private keys in
// memory; they leave this module only encrypted (key-vault.ts).
import { generateKeyPair, sign as nodeSign, type KeyObject } from "node:crypto";
import { promisify } from "node:util";

const generate = promisify(generateKeyPair);

export const CA_KEY_TYPES = ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "rsa-4096"] as const;
export type CaKeyTypeId = (typeof CA_KEY_TYPES)[number];

// Hash per key type: matched to the key's security level (NIST SP 800-57).
const ALG: Record<CaKeyTypeId, { hash: string; oid: string }> = {
  "rsa-2048": { hash: "sha256", oid: "1.2.840.113549.1.1.11" },
  "rsa-3072": { hash: "sha256", oid: "1.2.840.113549.1.1.11" },
  "rsa-4096": { hash: "sha384", oid: "1.2.840.113549.1.1.12" },
  "ecdsa-p256": { hash: "sha256", oid: "1.2.840.10045.4.3.2" },
  "ecdsa-p384": { hash: "sha384", oid: "1.2.840.10045.4.3.3" },
};

export async function generateCaKey(keyType: CaKeyTypeId): Promise<{ privateKey: KeyObject; spkiDer: Uint8Array }> {
  const pair = keyType.startsWith("rsa")
    ? await generate("rsa", { modulusLength: Number(keyType.slice(4)), publicExponent: 65537 })
    : await generate("ec", { namedCurve: keyType === "ecdsa-p256" ? "P-256" : "P-384" });
  return { privateKey: pair.privateKey, spkiDer: new Uint8Array(pair.publicKey.export({ format: "der", type: "spki" })) };
}

/** A signer for lib/pki: signs TBS bytes with node's OpenSSL (PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC). */
export function makeSigner(privateKey: KeyObject, keyType: CaKeyTypeId) {
  const { hash, oid } = ALG[keyType];
  return {
    keyType,
    signatureAlgorithmOid: oid,
    sign: (data: Uint8Array): Uint8Array => new Uint8Array(nodeSign(hash, data, privateKey)),
  };
}
