// Which JWS algorithms a key may sign with (RFC 7518 §3.1). Keyport accepts what Mojaloop's
// signer and its peers use: RSA ≥ 2048 bits with RS256 or PS256, and ECDSA P-256 with ES256.
// P-384/P-521 (ES384/ES512), EdDSA, HMAC and "none" are refused. Pure (browser and Node).

export const JWS_ALGORITHMS = ["RS256", "PS256", "ES256"] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

/** RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms." */
export const MIN_JWS_RSA_BITS = 2048;

export const isJwsAlgorithm = (alg: unknown): alg is JwsAlgorithm => typeof alg === "string" && (JWS_ALGORITHMS as readonly string[]).includes(alg);

/** The algorithms a key of this kind may use. */
export function algorithmsForKey(key: { type: "rsa" | "ec"; curve?: string }): JwsAlgorithm[] {
  return key.type === "rsa" ? ["RS256", "PS256"] : key.curve === "P-256" ? ["ES256"] : [];
}
