// Read a JWS public key as a partner or admin gives it — PEM SubjectPublicKeyInfo (RFC 7468 §13),
// a JWK or a one-key JWK Set (RFC 7517), or an X.509 certificate (PEM) — and re-encode it: the
// canonical SPKI DER (lib/pki/key/canonical-spki.ts, the form TLS key-reuse fingerprints use), the
// canonical public JWK (RFC 7638 §3.2 members only) and its RFC 7638 SHA-256 thumbprint as kid.
// A private key in any form is refused without being read further, and its bytes are never echoed.
// Pure (browser and Node): jose and pkijs over WebCrypto.
import * as pkijs from "pkijs";
import { calculateJwkThumbprint, exportJWK, exportSPKI, importJWK, importSPKI, type JWK } from "jose";
import { describePublicKey, PublicKeyError } from "@/lib/pki/csr/public-key";
import { parseExact } from "@/lib/pki/csr/asn1-nodes";
import { pemDecodeAll, pemEncode, toArrayBuffer, toHex } from "@/lib/pki/pem";
import { MIN_JWS_RSA_BITS, algorithmsForKey, isJwsAlgorithm, type JwsAlgorithm } from "./jws-policy";

export const MAX_JWS_KEY_INPUT_BYTES = 64 * 1024;

export type JwsKeyRefusal =
  | "empty"
  | "too_large"
  | "private_key"
  | "malformed"
  | "unsupported_format"
  | "key_type"
  | "curve"
  | "rsa_size"
  | "alg_not_allowed"
  | "use"
  | "certificate_expired";

export type ReadJwsKey =
  | {
      ok: true;
      source: "pem" | "jwk" | "certificate";
      alg: JwsAlgorithm;
      kid: string;
      /** The public JWK, RFC 7638 members only: { kty, n, e } or { kty, crv, x, y }. */
      jwk: JWK;
      spkiDer: Uint8Array;
      spkiSha256: string;
      /** "RSA 2048" or "EC P-256". */
      keyLabel: string;
      certDer: Uint8Array | null;
      certNotAfter: Date | null;
    }
  | { ok: false; code: JwsKeyRefusal; message: string };

const refuse = (code: JwsKeyRefusal, message: string): ReadJwsKey => ({ ok: false, code, message });

/** A PEM boundary of a private key anywhere (the CSR intake's rule). */
const PRIVATE_KEY_BOUNDARY = /-----(BEGIN|END) [^\r\n-]{0,80}PRIVATE KEY( BLOCK)?-----/i;
/** RFC 7518 §6.2.2, §6.3.2, §6.4: the private members of EC, RSA and symmetric JWKs. */
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
const PRIVATE_REFUSAL =
  "This is a private key. Keyport never takes a private key: nothing was stored. Upload only the public key (BEGIN PUBLIC KEY, a JWK without \"d\", or your certificate), and since it has left your systems, consider generating a new key pair.";

const sha256Hex = async (bytes: Uint8Array) => toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource)));

/**
 * Read and check a public key for JWS. `alg` picks RS256 or PS256 for an RSA key (default: the
 * JWK's own "alg", else RS256, Mojaloop's); `allowed` is the environment's policy.
 */
export async function readJwsKey(input: string, opts: { alg?: string; allowed: readonly string[]; now?: Date }): Promise<ReadJwsKey> {
  if (typeof input !== "string" || !input.trim()) return refuse("empty", "Paste a public key (PEM), a JWK, or a certificate.");
  if (new TextEncoder().encode(input).length > MAX_JWS_KEY_INPUT_BYTES) return refuse("too_large", `At most ${MAX_JWS_KEY_INPUT_BYTES} bytes (64 KiB) are accepted.`);
  const text = input.replace(/^\uFEFF/, "").trim();
  if (PRIVATE_KEY_BOUNDARY.test(text)) return refuse("private_key", PRIVATE_REFUSAL);

  let spkiDer: Uint8Array;
  let source: "pem" | "jwk" | "certificate";
  let certDer: Uint8Array | null = null;
  let certNotAfter: Date | null = null;
  let jwkAlg: unknown;

  if (text.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return refuse("malformed", "This looks like JSON but does not parse: paste the JWK exactly as exported.");
    }
    let jwk = parsed as Record<string, unknown>;
    if (Array.isArray(jwk?.keys)) {
      if (jwk.keys.some((k) => k && typeof k === "object" && PRIVATE_JWK_MEMBERS.some((m) => m in k))) return refuse("private_key", PRIVATE_REFUSAL);
      if (jwk.keys.length !== 1) return refuse("malformed", `This JWK Set holds ${jwk.keys.length} keys; upload one key at a time.`);
      jwk = jwk.keys[0] as Record<string, unknown>;
    }
    if (!jwk || typeof jwk !== "object") return refuse("malformed", "A JWK is a JSON object with \"kty\".");
    if (PRIVATE_JWK_MEMBERS.some((m) => m in jwk)) return refuse("private_key", PRIVATE_REFUSAL);
    if (jwk.use !== undefined && jwk.use !== "sig") return refuse("use", `This JWK is for "use": ${JSON.stringify(String(jwk.use)).slice(0, 20)}; a JWS key has "use": "sig" (or none).`);
    if (jwk.kty === "EC" && jwk.crv !== "P-256") return refuse("curve", curveRefusal(String(jwk.crv)));
    if (jwk.kty !== "RSA" && jwk.kty !== "EC") return refuse("key_type", keyTypeRefusal(String(jwk.kty ?? "none")));
    jwkAlg = jwk.alg;
    const members = jwk.kty === "RSA" ? { kty: "RSA", n: jwk.n, e: jwk.e } : { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y };
    if (Object.values(members).some((v) => typeof v !== "string" || !v)) return refuse("malformed", `This ${jwk.kty} JWK lacks ${jwk.kty === "RSA" ? '"n" or "e"' : '"x" or "y"'}.`);
    try {
      const key = await importJWK(members as JWK, jwk.kty === "RSA" ? "RS256" : "ES256");
      spkiDer = pemBody(await exportSPKI(key as CryptoKey));
    } catch {
      return refuse("malformed", "This JWK is not a valid public key (its members do not decode to a key).");
    }
    source = "jwk";
  } else if (text.includes("-----BEGIN")) {
    const blocks = pemDecodeAll(text);
    if (blocks.length !== 1) return refuse("malformed", `Found ${blocks.length} PEM blocks; paste exactly one public key or certificate.`);
    const [block] = blocks;
    if (!block.valid || !block.der.length) return refuse("malformed", `The ${block.label} block is not valid base64.`);
    if (block.label === "PUBLIC KEY") {
      spkiDer = block.der;
      source = "pem";
    } else if (block.label === "CERTIFICATE") {
      let cert: pkijs.Certificate;
      try {
        cert = pkijs.Certificate.fromBER(toArrayBuffer(block.der));
      } catch {
        return refuse("malformed", "The CERTIFICATE block is not an X.509 certificate.");
      }
      const now = opts.now ?? new Date();
      certNotAfter = cert.notAfter.value;
      if (certNotAfter.getTime() <= now.getTime()) return refuse("certificate_expired", `This certificate expired on ${certNotAfter.toISOString()}; upload a current one or its public key.`);
      spkiDer = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
      certDer = new Uint8Array(block.der);
      source = "certificate";
    } else if (block.label === "RSA PUBLIC KEY") {
      return refuse("unsupported_format", "This is a PKCS#1 RSA PUBLIC KEY; give the SubjectPublicKeyInfo form: openssl rsa -RSAPublicKey_in -in key.pem -pubout.");
    } else {
      return refuse("unsupported_format", `A "${block.label.slice(0, 40)}" block is not a public key; paste BEGIN PUBLIC KEY, BEGIN CERTIFICATE, or a JWK.`);
    }
  } else {
    return refuse("unsupported_format", "Paste a PEM public key (BEGIN PUBLIC KEY), a PEM certificate, or a JWK (JSON).");
  }

  const node = parseExact(spkiDer);
  if (!node) return refuse("malformed", "The public key is not DER SubjectPublicKeyInfo.");
  let described;
  try {
    described = describePublicKey(node);
  } catch (e) {
    return refuse("malformed", e instanceof PublicKeyError ? `The public key cannot be read: ${e.message}.` : "The public key cannot be read.");
  }
  const { key, canonicalSpki } = described;
  if (key.type === "ec" && key.curve !== "P-256") return refuse("curve", curveRefusal(key.curve ?? "unknown"));
  if (key.type !== "rsa" && key.type !== "ec") return refuse("key_type", keyTypeRefusal(key.label));
  if (key.type === "rsa" && key.oid !== "1.2.840.113549.1.1.1") return refuse("key_type", "An RSASSA-PSS-only key (id-RSASSA-PSS) is not read: give the rsaEncryption form of the key; PS256 is allowed with it.");
  if (key.type === "rsa" && (key.bits ?? 0) < MIN_JWS_RSA_BITS) return refuse("rsa_size", `This RSA key has ${key.bits} bits; JWS keys need at least ${MIN_JWS_RSA_BITS} (RFC 7518 §3.3).`);
  if (!canonicalSpki) return refuse("malformed", "The public key cannot be re-encoded.");

  const permitted = algorithmsForKey({ type: key.type, curve: key.curve });
  const wanted = opts.alg || (typeof jwkAlg === "string" ? jwkAlg : "") || permitted[0];
  if (!isJwsAlgorithm(wanted) || !permitted.includes(wanted)) {
    return refuse("alg_not_allowed", `"${String(wanted).slice(0, 16)}" is not allowed for a ${key.type === "rsa" ? `RSA ${key.bits}` : "P-256"} key; use ${permitted.join(" or ")}.`);
  }
  if (!opts.allowed.includes(wanted)) return refuse("alg_not_allowed", `${wanted} is not allowed in this environment; it allows ${opts.allowed.join(", ") || "no JWS algorithm"}.`);

  let jwk: JWK;
  try {
    const imported = await importSPKI(pemEncode("PUBLIC KEY", canonicalSpki), wanted, { extractable: true });
    const full = await exportJWK(imported);
    jwk = key.type === "rsa" ? { kty: "RSA", n: full.n, e: full.e } : { kty: "EC", crv: full.crv, x: full.x, y: full.y };
  } catch {
    return refuse("malformed", "The public key is not a valid key for JWS.");
  }
  return {
    ok: true,
    source,
    alg: wanted,
    kid: await calculateJwkThumbprint(jwk, "sha256"),
    jwk,
    spkiDer: canonicalSpki,
    spkiSha256: await sha256Hex(canonicalSpki),
    keyLabel: key.type === "rsa" ? `RSA ${key.bits}` : "EC P-256",
    certDer,
    certNotAfter,
  };
}

function curveRefusal(curve: string): string {
  return `EC keys on ${curve.slice(0, 24)} are not allowed for JWS; use P-256 (ES256) or RSA ≥ ${MIN_JWS_RSA_BITS} bits (RS256, PS256).`;
}
function keyTypeRefusal(label: string): string {
  return `A ${label.slice(0, 40)} key is not allowed for JWS; use RSA ≥ ${MIN_JWS_RSA_BITS} bits (RS256, PS256) or EC P-256 (ES256).`;
}
function pemBody(pem: string): Uint8Array {
  return pemDecodeAll(pem)[0].der;
}
