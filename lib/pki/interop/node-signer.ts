// Test and bench support (Node only): CA keys and Signers on node:crypto. Not part of the
// library — lib/ca provides the real signers.
import { generateKeyPair, sign, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { SIGNATURE_ALGORITHM_FOR_KEY_TYPE, type CaKeyType, type Signer } from "../cert/signer";

const generateKeyPairAsync = promisify(generateKeyPair);

export interface NodeKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  spkiDer: Uint8Array;
  pkcs8Der: Uint8Array;
}

export type AnyKeyType = CaKeyType | "ecdsa-p521";

/** Generates a key pair on libuv's thread pool (RSA-4096 takes seconds; run several at once). */
export async function generateNodeKeyPair(keyType: AnyKeyType): Promise<NodeKeyPair> {
  const { privateKey, publicKey } = keyType.startsWith("rsa")
    ? await generateKeyPairAsync("rsa", { modulusLength: Number(keyType.slice(4)) })
    : await generateKeyPairAsync("ec", { namedCurve: { "ecdsa-p256": "P-256", "ecdsa-p384": "P-384", "ecdsa-p521": "P-521" }[keyType as string] as string });
  return {
    privateKey,
    publicKey,
    spkiDer: new Uint8Array(publicKey.export({ format: "der", type: "spki" })),
    pkcs8Der: new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" })),
  };
}

/** A synchronous Signer: `crypto.sign` hashes and signs (PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC). */
export function nodeSigner(keyType: CaKeyType, privateKey: KeyObject): Signer {
  const alg = SIGNATURE_ALGORITHM_FOR_KEY_TYPE[keyType];
  return { keyType, signatureAlgorithmOid: alg.oid, sign: (data) => sign(alg.opensslDigest, data, privateKey) };
}
