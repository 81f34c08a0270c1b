// Private key files on the partner's side (browser): writing PKCS#8 PEM, optionally encrypted
// (PBES2: PBKDF2-HMAC-SHA-256 + AES-256-CBC, what `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes),
// and reading back whatever OpenSSL and friends write — PKCS#8, encrypted PKCS#8, PKCS#1
// "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY", PEM or DER — as unencrypted PKCS#8 DER.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { PkiError } from "../cert/errors";
import { DER_NULL, TAG, encodeOctetString, encodeOid, encodeSmallInteger, readChildren, readSingle, sequence, tlvBytes, valueBytes, type Tlv } from "../cert/der";
import { decodeOid } from "../cert/name";
import { OID } from "@/lib/pki/oids";
import { base64Decode, pemDecodeAll, pemEncode, toArrayBuffer } from "../pem";
import { webCryptoEngine } from "../pkcs12/engine";
import { rsaKeySizeProblem } from "../key/rsa-limits";

/** PBKDF2 iterations for a passphrase-protected key file (OpenSSL's own default is 2,048; go well above). */
export const KEY_FILE_ITERATIONS = 200_000;
const MIN_PASSPHRASE = 8;

export type PrivateKeyFileError = "needs_passphrase" | "wrong_passphrase" | "not_a_private_key" | "unsupported_key_file";

export class PrivateKeyFileProblem extends PkiError {
  constructor(
    readonly reason: PrivateKeyFileError,
    message: string,
  ) {
    super("invalid_input", message);
  }
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** PKCS#8 PEM ("PRIVATE KEY"), or "ENCRYPTED PRIVATE KEY" when a passphrase is given. */
export async function privateKeyPem(pkcs8Der: Uint8Array, passphrase?: string, iterations = KEY_FILE_ITERATIONS): Promise<string> {
  if (passphrase === undefined || passphrase === "") return pemEncode("PRIVATE KEY", pkcs8Der);
  if ([...passphrase].length < MIN_PASSPHRASE) throw new PkiError("invalid_input", `Use a passphrase of at least ${MIN_PASSPHRASE} characters`);
  const encrypted = await webCryptoEngine().encryptEncryptedContentInfo({
    password: toArrayBuffer(utf8(passphrase)),
    iterationCount: iterations,
    contentToEncrypt: toArrayBuffer(pkcs8Der),
    contentType: OID.pkcs7Data,
    contentEncryptionAlgorithm: { name: "AES-CBC", length: 256 } as pkijs.ContentEncryptionAlgorithm,
    hmacHashAlgorithm: "SHA-256",
  });
  // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING } (RFC 5958 §3)
  const octets = encrypted.encryptedContent as asn1js.OctetString;
  const info = new asn1js.Sequence({
    value: [encrypted.contentEncryptionAlgorithm.toSchema(), new asn1js.OctetString({ valueHex: octets.getValue() })],
  });
  return pemEncode("ENCRYPTED PRIVATE KEY", new Uint8Array(info.toBER(false)));
}

function wrapPkcs8(algorithm: Uint8Array, privateKey: Uint8Array): Uint8Array {
  // PrivateKeyInfo ::= SEQUENCE { version 0, privateKeyAlgorithm, privateKey OCTET STRING } (RFC 5208)
  return sequence(encodeSmallInteger(0), algorithm, encodeOctetString(privateKey));
}

function fromPkcs1(der: Uint8Array): Uint8Array {
  return wrapPkcs8(sequence(encodeOid(OID.rsaEncryption), DER_NULL), der);
}

function fromSec1(der: Uint8Array): Uint8Array {
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey, [0] ECParameters OPTIONAL, [1] publicKey OPTIONAL } (RFC 5915)
  const seq = readSingle(der, TAG.SEQUENCE, "EC private key");
  const params = readChildren(der, seq, "EC private key").find((t) => t.tag === 0xa0);
  const curve = params ? readChildren(der, params, "EC private key")[0] : undefined;
  if (curve?.tag !== TAG.OID) throw new PkiError("invalid_input", "The EC private key does not name its curve");
  return wrapPkcs8(sequence(encodeOid(OID.idEcPublicKey), tlvBytes(der, curve)), der);
}

async function decryptPkcs8(der: Uint8Array, passphrase: string | undefined): Promise<Uint8Array> {
  if (!passphrase) throw new PrivateKeyFileProblem("needs_passphrase", "This private key is encrypted: enter its passphrase.");
  let algorithm: pkijs.AlgorithmIdentifier;
  let encrypted: asn1js.OctetString;
  try {
    const parsed = asn1js.fromBER(toArrayBuffer(der));
    const seq = parsed.result as asn1js.Sequence;
    algorithm = new pkijs.AlgorithmIdentifier({ schema: seq.valueBlock.value[0] });
    encrypted = seq.valueBlock.value[1] as asn1js.OctetString;
  } catch {
    throw new PrivateKeyFileProblem("unsupported_key_file", "The encrypted private key is malformed.");
  }
  if (algorithm.algorithmId !== "1.2.840.113549.1.5.13") {
    throw new PrivateKeyFileProblem(
      "unsupported_key_file",
      "This key is encrypted with a legacy scheme (not PBES2). Convert it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.key -out new.key",
    );
  }
  let plain: ArrayBuffer;
  try {
    plain = await webCryptoEngine().decryptEncryptedContentInfo({
      encryptedContentInfo: new pkijs.EncryptedContentInfo({ contentType: OID.pkcs7Data, contentEncryptionAlgorithm: algorithm, encryptedContent: encrypted }),
      password: toArrayBuffer(utf8(passphrase)),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : "";
    if (/not supported|unknown|unsupported/i.test(message)) {
      throw new PrivateKeyFileProblem("unsupported_key_file", `This key's encryption is not supported here (${message}). Convert it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.key -out new.key`);
    }
    throw new PrivateKeyFileProblem("wrong_passphrase", "Wrong passphrase: the private key could not be decrypted.");
  }
  const out = new Uint8Array(plain);
  if (classify(out) !== "pkcs8") throw new PrivateKeyFileProblem("wrong_passphrase", "Wrong passphrase: the private key could not be decrypted.");
  return out;
}

type DerKind = "pkcs8" | "encrypted-pkcs8" | "pkcs1" | "sec1" | "certificate" | "unknown";

/** What a DER blob is, from its shape. */
function classify(der: Uint8Array): DerKind {
  try {
    const seq = readSingle(der, TAG.SEQUENCE, "key");
    const kids: Tlv[] = readChildren(der, seq, "key");
    const [a, b, c] = kids;
    if (a?.tag === TAG.INTEGER && b?.tag === TAG.SEQUENCE && c?.tag === TAG.OCTET_STRING) return "pkcs8";
    if (kids.length === 2 && a?.tag === TAG.SEQUENCE && b?.tag === TAG.OCTET_STRING) return "encrypted-pkcs8";
    if (a?.tag === TAG.INTEGER && b?.tag === TAG.INTEGER && kids.length >= 9) return "pkcs1";
    if (a?.tag === TAG.INTEGER && b?.tag === TAG.OCTET_STRING && valueBytes(der, a).length === 1 && valueBytes(der, a)[0] === 1) return "sec1";
    if (kids.length === 3 && a?.tag === TAG.SEQUENCE && b?.tag === TAG.SEQUENCE && c?.tag === TAG.BIT_STRING) return "certificate";
    return "unknown";
  } catch {
    return "unknown";
  }
}

async function fromDer(der: Uint8Array, passphrase: string | undefined): Promise<Uint8Array> {
  switch (classify(der)) {
    case "pkcs8":
      return der;
    case "encrypted-pkcs8":
      return decryptPkcs8(der, passphrase);
    case "pkcs1":
      return fromPkcs1(der);
    case "sec1":
      return fromSec1(der);
    case "certificate":
      throw new PrivateKeyFileProblem("not_a_private_key", "This is a certificate or CSR, not a private key. Pick the key file you generated with the CSR.");
    default:
      throw new PrivateKeyFileProblem("not_a_private_key", "This file is not a private key Keyport can read (PKCS#8, PKCS#1 or SEC1, PEM or DER).");
  }
}

/**
 * Reads a private key file into unencrypted PKCS#8 DER. Text is PEM; anything else is DER.
 * Errors are PrivateKeyFileProblem with a reason the UI can act on (ask for the passphrase…).
 */
export async function readPrivateKeyFile(file: Uint8Array, passphrase?: string): Promise<Uint8Array> {
  const pkcs8 = await readAnyPrivateKeyFile(file, passphrase);
  refuseOversizeRsaKey(pkcs8);
  return pkcs8;
}

/** An RSA key over the limits of lib/pki/key/rsa-limits.ts is refused before WebCrypto or anything else works with it. */
function refuseOversizeRsaKey(pkcs8Der: Uint8Array): void {
  let problem: string | null;
  try {
    const [, alg, key] = readChildren(pkcs8Der, readSingle(pkcs8Der, TAG.SEQUENCE, "PKCS#8"), "PKCS#8");
    const [oid] = readChildren(pkcs8Der, alg, "PKCS#8");
    if (decodeOid(valueBytes(pkcs8Der, oid)) !== OID.rsaEncryption) return;
    // RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, … } (RFC 8017 App. A.1.2)
    const rsa = valueBytes(pkcs8Der, key);
    const [, n, e] = readChildren(rsa, readSingle(rsa, TAG.SEQUENCE, "RSAPrivateKey"), "RSAPrivateKey");
    problem = rsaKeySizeProblem(valueBytes(rsa, n), valueBytes(rsa, e));
  } catch {
    return; // malformed: reported where the key is used, as before
  }
  if (problem) throw new PrivateKeyFileProblem("unsupported_key_file", `This key cannot be used: ${problem}.`);
}

async function readAnyPrivateKeyFile(file: Uint8Array, passphrase?: string): Promise<Uint8Array> {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(file);
  if (text.includes("-----BEGIN")) {
    const blocks = pemDecodeAll(text).filter((b) => b.valid);
    const key = blocks.find((b) => /PRIVATE KEY$/.test(b.label));
    if (!key) {
      const labels = blocks.map((b) => b.label).join(", ") || "none readable";
      throw new PrivateKeyFileProblem("not_a_private_key", `No private key in this file (PEM blocks: ${labels}). Pick the key file you generated with the CSR.`);
    }
    if (/Proc-Type:\s*4,\s*ENCRYPTED/i.test(text)) {
      throw new PrivateKeyFileProblem(
        "unsupported_key_file",
        "This key uses OpenSSL's legacy PEM encryption. Convert it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.key -out new.key",
      );
    }
    switch (key.label) {
      case "PRIVATE KEY":
        if (classify(key.der) !== "pkcs8") throw new PrivateKeyFileProblem("not_a_private_key", "The PRIVATE KEY block is malformed.");
        return key.der;
      case "ENCRYPTED PRIVATE KEY":
        return decryptPkcs8(key.der, passphrase);
      case "RSA PRIVATE KEY":
        return fromPkcs1(key.der);
      case "EC PRIVATE KEY":
        return fromSec1(key.der);
      default:
        throw new PrivateKeyFileProblem("unsupported_key_file", `Keyport reads RSA and EC keys; this is a "${key.label}".`);
    }
  }
  const b64 = base64Decode(text);
  return fromDer(b64 && b64.length > 16 && text.trim().length > 0 && /^[A-Za-z0-9+/=\s]+$/.test(text) ? b64 : file, passphrase);
}

/** The key's algorithm OID and curve, for messages ("an ECDSA P-256 key"). */
export function pkcs8Algorithm(pkcs8Der: Uint8Array): { algorithm: string; curve?: string } {
  const seq = readSingle(pkcs8Der, TAG.SEQUENCE, "PKCS#8");
  const alg = readChildren(pkcs8Der, seq, "PKCS#8")[1];
  const [oid, params] = readChildren(pkcs8Der, alg, "PKCS#8");
  return { algorithm: decodeOid(valueBytes(pkcs8Der, oid)), curve: params?.tag === TAG.OID ? decodeOid(valueBytes(pkcs8Der, params)) : undefined };
}
