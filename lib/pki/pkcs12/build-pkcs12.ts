// PKCS#12 (RFC 7292) files built with pkijs on WebCrypto, in the shape OpenSSL 3, curl, Node's
// `tls` and Java's keytool accept:
//   - certificates in an EncryptedData SafeContents (PBES2: PBKDF2-HMAC-SHA-256 + AES-256-CBC),
//   - the private key in a pkcs8ShroudedKeyBag (same PBES2 scheme) inside a Data SafeContents,
//   - integrity: HMAC-SHA-256 MAC keyed by the RFC 7292 Appendix B KDF.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { PkiError } from "../cert/errors";
import { TAG, readChildren, readSingle, valueBytes } from "../cert/der";
import { splitCertificate } from "../cert/certificate-der";
import { decodeOid } from "../cert/name";
import { OID } from "@/lib/pki/oids";
// SHA-1 only for identifiers (RFC 5280 §4.2.1.2 method 1 key identifiers, PKCS #12 localKeyId), never for signatures.
import { sha1 } from "@noble/hashes/legacy.js";
import { webCryptoEngine } from "./engine";
import { privateKeyMatchesCertificate } from "./key-match";
import { pkcs12PasswordBytes } from "./password";
import { toArrayBuffer } from "../pem";

/**
 * Truststores: 10,000 PBKDF2 and MAC iterations — Java's own default for PKCS#12 since JDK 12
 * (keystore.pkcs12.{certPbe,mac}IterationCount). A truststore holds only public certificates;
 * the password guards integrity (the MAC), and every JVM that loads the file pays the cost.
 */
export const TRUSTSTORE_ITERATIONS = 10_000;

/**
 * Key + chain files: 200,000 iterations for both the key's PBKDF2 and the MAC. The MAC KDF has to
 * be as slow as the PBKDF2: a password guessed against a cheap MAC decrypts the key all the same.
 * 200,000 costs ~0.1 s in OpenSSL/WebCrypto and well under a second for pkijs's JavaScript MAC KDF in a browser.
 */
export const KEY_ITERATIONS = 200_000;
export const MIN_KEY_ITERATIONS = 100_000;


const ENCRYPTION = {
  contentEncryptionAlgorithm: { name: "AES-CBC", length: 256 } as pkijs.ContentEncryptionAlgorithm,
  hmacHashAlgorithm: "SHA-256",
};

function friendlyNameAttribute(name: string): pkijs.Attribute {
  return new pkijs.Attribute({ type: OID.friendlyName, values: [new asn1js.BmpString({ value: name })] });
}

function localKeyIdAttribute(id: Uint8Array): pkijs.Attribute {
  return new pkijs.Attribute({ type: OID.localKeyId, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(id) })] });
}

function certBag(der: Uint8Array, attributes: pkijs.Attribute[]): pkijs.SafeBag {
  splitCertificate(der); // reject anything that is not a certificate
  // certValue carries the DER exactly as given (no pkijs re-encoding).
  const bag = new pkijs.CertBag({ certId: OID.x509Certificate, certValue: new asn1js.OctetString({ valueHex: toArrayBuffer(der) }) });
  return new pkijs.SafeBag({ bagId: OID.certBag, bagValue: bag, bagAttributes: attributes });
}

function commonName(certDer: Uint8Array): string | undefined {
  const subject = splitCertificate(certDer).subject;
  const outer = readSingle(subject, TAG.SEQUENCE, "Name");
  let cn: string | undefined;
  for (const rdn of readChildren(subject, outer, "Name")) {
    for (const atv of readChildren(subject, rdn, "Name")) {
      const [type, value] = readChildren(subject, atv, "Name");
      if (decodeOid(valueBytes(subject, type)) === OID.commonName) cn = new TextDecoder().decode(valueBytes(subject, value));
    }
  }
  return cn;
}

/** Java's PKCS12KeyStore refuses files whose iteration counts exceed 5,000,000. */
export const MAX_ITERATIONS = 5_000_000;

function assertIterations(iterations: number, minimum: number): void {
  if (!Number.isInteger(iterations) || iterations < minimum || iterations > MAX_ITERATIONS) {
    throw new PkiError("invalid_input", `The iteration count must be an integer between ${minimum} and ${MAX_ITERATIONS}`);
  }
}

async function assemble(safeContents: { privacyMode: 0 | 1; bags: pkijs.SafeBag[] }[], password: ArrayBuffer, iterations: number): Promise<Uint8Array> {
  const crypto = webCryptoEngine();
  const authenticatedSafe = new pkijs.AuthenticatedSafe({
    parsedValue: { safeContents: safeContents.map((c) => ({ privacyMode: c.privacyMode, value: new pkijs.SafeContents({ safeBags: c.bags }) })) },
  });
  await authenticatedSafe.makeInternalValues(
    { safeContents: safeContents.map((c) => (c.privacyMode === 1 ? { password, iterationCount: iterations, ...ENCRYPTION } : {})) },
    crypto,
  );
  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues({ password, iterations, pbkdf2HashAlgorithm: "SHA-256", hmacHashAlgorithm: "SHA-256" }, crypto);
  return new Uint8Array(pfx.toSchema().toBER(false));
}

export interface TruststoreParams {
  /** Trust anchors and intermediates, e.g. [root, issuing]. */
  certificatesDer: readonly Uint8Array[];
  /** Printable ASCII only. */
  password: string;
  /** keytool aliases (friendlyName), one per certificate; default: the certificate's CN. Lower-cased (Java lower-cases PKCS#12 aliases) and made unique. */
  aliases?: readonly string[];
  iterations?: number;
}

/**
 * A certificates-only PKCS#12 truststore. Each cert bag carries Oracle's trusted-key-usage
 * attribute (2.16.840.1.113894.746875.1.1 = anyExtendedKeyUsage) so `keytool -list` shows it
 * as a trustedCertEntry, plus a friendlyName used as the alias.
 */
export async function buildTruststorePkcs12(params: TruststoreParams): Promise<Uint8Array> {
  const password = pkcs12PasswordBytes(params.password);
  const iterations = params.iterations ?? TRUSTSTORE_ITERATIONS;
  assertIterations(iterations, 1_000);
  if (!params.certificatesDer.length) throw new PkiError("invalid_input", "A truststore needs at least one certificate");
  const used = new Set<string>();
  const bags = params.certificatesDer.map((der, i) => {
    const base = (params.aliases?.[i] ?? commonName(der) ?? `certificate-${i + 1}`).toLowerCase();
    let alias = base;
    for (let n = 2; used.has(alias); n++) alias = `${base}-${n}`;
    used.add(alias);
    const trusted = new pkijs.Attribute({ type: OID.oracleTrustedKeyUsage, values: [new asn1js.ObjectIdentifier({ value: OID.anyExtendedKeyUsage })] });
    return certBag(der, [friendlyNameAttribute(alias), trusted]);
  });
  return assemble([{ privacyMode: 1, bags }], password, iterations);
}

export interface KeyAndChainParams {
  /** The partner's private key, unencrypted PKCS#8 DER (never leaves the browser). */
  privateKeyPkcs8Der: Uint8Array;
  certificateDer: Uint8Array;
  /** CA certificates, issuing CA first; the root may be included. */
  chainDer: readonly Uint8Array[];
  /** Printable ASCII only. */
  password: string;
  /** friendlyName of the key and its certificate (the alias in keytool); default: the certificate's CN. */
  friendlyName?: string;
  /** PBKDF2 and MAC iterations; at least 100,000. */
  iterations?: number;
}

/**
 * PKCS#12 with the private key (pkcs8ShroudedKeyBag) and its certificate sharing friendlyName and
 * localKeyId (SHA-1 of the certificate, as OpenSSL does), followed by the chain certificates.
 */
export async function buildKeyAndChainPkcs12(params: KeyAndChainParams): Promise<Uint8Array> {
  const password = pkcs12PasswordBytes(params.password);
  const iterations = params.iterations ?? KEY_ITERATIONS;
  assertIterations(iterations, MIN_KEY_ITERATIONS);
  if (!(await privateKeyMatchesCertificate(params.privateKeyPkcs8Der, params.certificateDer))) {
    throw new PkiError("key_mismatch", "The private key does not belong to this certificate");
  }
  const name = params.friendlyName ?? commonName(params.certificateDer) ?? "client certificate";
  const localKeyId = sha1(params.certificateDer);
  const encrypted = await webCryptoEngine().encryptEncryptedContentInfo({
    password,
    iterationCount: iterations,
    contentToEncrypt: toArrayBuffer(params.privateKeyPkcs8Der),
    contentType: OID.pkcs7Data,
    ...ENCRYPTION,
  });
  const keyBag = new pkijs.SafeBag({
    bagId: OID.pkcs8ShroudedKeyBag,
    bagValue: new pkijs.PKCS8ShroudedKeyBag({ encryptionAlgorithm: encrypted.contentEncryptionAlgorithm, encryptedData: encrypted.encryptedContent as asn1js.OctetString }),
    bagAttributes: [friendlyNameAttribute(name), localKeyIdAttribute(localKeyId)],
  });
  const certBags = [certBag(params.certificateDer, [friendlyNameAttribute(name), localKeyIdAttribute(localKeyId)]), ...params.chainDer.map((der) => certBag(der, []))];
  return assemble(
    [
      { privacyMode: 1, bags: certBags },
      { privacyMode: 0, bags: [keyBag] },
    ],
    password,
    iterations,
  );
}
