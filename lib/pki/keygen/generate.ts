// Key pair + PKCS#10 CSR generated where the key will live: the partner's browser (WebCrypto +
// pkijs). Pure: no server code; Node's WebCrypto runs it in tests.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { PkiError } from "../cert/errors";
import { pemEncode } from "../pem";
import { webCryptoEngine } from "../pkcs12/engine";
import { ATTRIBUTE_NAMES } from "@/lib/pki/oids";
/** Same ids as lib/policy KEY_TYPES (lib/pki imports nothing from the rest of the app). */
export type KeyTypeId = "rsa-2048" | "rsa-3072" | "rsa-4096" | "ecdsa-p256" | "ecdsa-p384";

export type SubjectAttribute = { type: string; value: string };
export type GeneratedKeyAndCsr = { keyType: KeyTypeId; privateKeyPkcs8Der: Uint8Array; csrDer: Uint8Array; csrPem: string };

const OID_BY_NAME: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(ATTRIBUTE_NAMES).map(([oid, name]) => [name, oid]));
/** X.520 attributes whose syntax is PrintableString (countryName, serialNumber, dnQualifier). */
const PRINTABLE = new Set(["C", "serialNumber", "dnQualifier"]);
const IA5 = new Set(["emailAddress", "DC"]);

type Hash = "sha256" | "sha384" | "sha512";
const WEBCRYPTO_HASH: Record<Hash, string> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };

function keyParams(keyType: KeyTypeId): RsaHashedKeyGenParams | EcKeyGenParams {
  switch (keyType) {
    case "rsa-2048":
    case "rsa-3072":
    case "rsa-4096":
      return { name: "RSASSA-PKCS1-v1_5", modulusLength: Number(keyType.slice(4)), publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
    case "ecdsa-p256":
      return { name: "ECDSA", namedCurve: "P-256" };
    case "ecdsa-p384":
      return { name: "ECDSA", namedCurve: "P-384" };
  }
}

/** The signature hash for a key: the curve's own size for ECDSA, else SHA-256; always one the profile allows. */
export function signatureHashFor(keyType: KeyTypeId, allowed: readonly Hash[]): Hash {
  const natural: Hash = keyType === "ecdsa-p384" ? "sha384" : "sha256";
  if (allowed.includes(natural)) return natural;
  const first = allowed[0];
  if (!first) throw new PkiError("invalid_input", "The profile allows no signature hash");
  return first;
}

/** DER Name with one attribute per RDN, in the order given (UTF8String; PrintableString / IA5String where X.520 says so). */
export function buildSubject(attributes: readonly SubjectAttribute[]): asn1js.Sequence {
  const rdns = attributes.map(({ type, value }) => {
    const oid = OID_BY_NAME[type];
    if (!oid) throw new PkiError("invalid_input", `Unknown subject attribute "${type}"`);
    if (value === "" || value.trim() !== value) throw new PkiError("invalid_input", `${type} must be non-empty without surrounding spaces`);
    if ([...value].length > 64 && type !== "emailAddress") throw new PkiError("invalid_input", `${type} is longer than 64 characters`);
    if (type === "C" && !/^[A-Z]{2}$/.test(value)) throw new PkiError("invalid_input", "C must be a two-letter upper-case country code (ISO 3166), e.g. NL");
    let encoded: asn1js.BaseBlock;
    if (PRINTABLE.has(type)) {
      if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) throw new PkiError("invalid_input", `${type} may only hold letters, digits, spaces and ' ( ) + , - . / : = ?`);
      encoded = new asn1js.PrintableString({ value });
    } else if (IA5.has(type)) {
      if (!/^[\x20-\x7e]*$/.test(value)) throw new PkiError("invalid_input", `${type} must be ASCII`);
      encoded = new asn1js.IA5String({ value });
    } else {
      encoded = new asn1js.Utf8String({ value });
    }
    // One AttributeTypeAndValue per SET (RelativeDistinguishedNames({ typesAndValues }) would make one multi-valued RDN).
    return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), encoded] })] });
  });
  return new asn1js.Sequence({ value: rdns });
}

/**
 * Generates a key pair (extractable, so the user can save it) and a CSR signed with it.
 * Returns the private key as unencrypted PKCS#8 DER: the caller offers it for download and drops it.
 */
export async function generateKeyAndCsr(params: { keyType: KeyTypeId; subject: readonly SubjectAttribute[]; hash?: Hash }): Promise<GeneratedKeyAndCsr> {
  if (!params.subject.length) throw new PkiError("invalid_input", "The subject needs at least one attribute");
  const subjectDer = buildSubject(params.subject).toBER(false);
  const subtle = globalThis.crypto.subtle;
  const keys = (await subtle.generateKey(keyParams(params.keyType), true, ["sign", "verify"])) as CryptoKeyPair;
  const engine = webCryptoEngine();
  const csr = new pkijs.CertificationRequest();
  csr.version = 0;
  // Parsed from DER so pkijs re-emits the exact bytes (single-valued RDNs, chosen string types).
  csr.subject = new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(subjectDer).result });
  await csr.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  csr.attributes = [];
  const hash = params.hash ?? (params.keyType.startsWith("ecdsa") ? (params.keyType === "ecdsa-p384" ? "sha384" : "sha256") : "sha256");
  await csr.sign(keys.privateKey, WEBCRYPTO_HASH[hash], engine);
  const csrDer = new Uint8Array(csr.toSchema(true).toBER(false));
  const privateKeyPkcs8Der = new Uint8Array(await subtle.exportKey("pkcs8", keys.privateKey));
  return { keyType: params.keyType, privateKeyPkcs8Der, csrDer, csrPem: pemEncode("CERTIFICATE REQUEST", csrDer) };
}
