// The one table of object identifiers in lib/pki (intake, parsing, issuance, CRLs, PKCS #7/#12),
// with display names.
// Sources: RFC 2985 (PKCS #9), RFC 2986 (PKCS #10), RFC 3279 / RFC 5480 (keys), RFC 4055 /
// RFC 8017 (RSA), RFC 5758 (ECDSA, DSA with SHA-2), RFC 8410 (EdDSA), RFC 4519 / RFC 5280
// (naming attributes), RFC 5652 (CMS), RFC 7292 (PKCS #12).

export const OID = {
  // PKCS #9 attributes in a CSR (RFC 2985 §5.4)
  extensionRequest: "1.2.840.113549.1.9.14",
  challengePassword: "1.2.840.113549.1.9.7",
  // Extensions (RFC 5280 §4.2)
  subjectAltName: "2.5.29.17",
  // Public key algorithms
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  mgf1: "1.2.840.113549.1.1.8",
  idEcPublicKey: "1.2.840.10045.2.1",
  idDsa: "1.2.840.10040.4.1",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
  x25519: "1.3.101.110",
  x448: "1.3.101.111",
  // Hash algorithms (RFC 3279, RFC 5754)
  md5: "1.2.840.113549.2.5",
  sha1: "1.3.14.3.2.26",
  sha224: "2.16.840.1.101.3.4.2.4",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  // Content types (RFC 5652 §3, RFC 7292 §4)
  pkcs7Prefix: "1.2.840.113549.1.7.",
  cmsContentTypePrefix: "1.2.840.113549.1.9.16.1.",
  pkcs7Data: "1.2.840.113549.1.7.1",
  pkcs7SignedData: "1.2.840.113549.1.7.2",
  encryptedData: "1.2.840.113549.1.7.6",
  // Named curves (RFC 5480 §2.1.1.1)
  secp256r1: "1.2.840.10045.3.1.7",
  secp384r1: "1.3.132.0.34",
  secp521r1: "1.3.132.0.35",
  // Signature algorithms issued with (RFC 4055, RFC 5758)
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  ecdsaWithSHA384: "1.2.840.10045.4.3.3",
  ecdsaWithSHA512: "1.2.840.10045.4.3.4",
  // Certificate extensions (RFC 5280 §4.2)
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  basicConstraints: "2.5.29.19",
  cRLDistributionPoints: "2.5.29.31",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  anyExtendedKeyUsage: "2.5.29.37.0",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  // Key purposes (RFC 5280 §4.2.1.12)
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  // Access methods (RFC 5280 §4.2.2.1)
  caIssuers: "1.3.6.1.5.5.7.48.2",
  // CRL extensions (RFC 5280 §5.2, §5.3)
  cRLNumber: "2.5.29.20",
  cRLReason: "2.5.29.21",
  // Name attributes (RFC 4519)
  commonName: "2.5.4.3",
  countryName: "2.5.4.6",
  organizationName: "2.5.4.10",
  // PKCS #12 (RFC 7292) and PKCS #9 attributes
  certBag: "1.2.840.113549.1.12.10.1.3",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  /** Oracle's "trusted key usage" bag attribute: Java lists a cert bag carrying it as a trustedCertEntry. */
  oracleTrustedKeyUsage: "2.16.840.1.113894.746875.1.1",
} as const;

export type HashName = "md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512";

export const HASH_BY_OID: Readonly<Record<string, HashName>> = {
  [OID.md5]: "md5",
  [OID.sha1]: "sha1",
  [OID.sha224]: "sha224",
  [OID.sha256]: "sha256",
  [OID.sha384]: "sha384",
  [OID.sha512]: "sha512",
};

export type SignatureScheme = "rsa-pkcs1" | "rsa-pss" | "ecdsa" | "eddsa" | "dsa" | "other";

/** Signature algorithms (RFC 8017 App. C, RFC 5758 §3, RFC 8410 §3). RSASSA-PSS takes its hash from parameters. */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, { name: string; scheme: SignatureScheme; hash: HashName | null }>> = {
  "1.2.840.113549.1.1.2": { name: "md2WithRSAEncryption", scheme: "rsa-pkcs1", hash: null },
  "1.2.840.113549.1.1.4": { name: "md5WithRSAEncryption", scheme: "rsa-pkcs1", hash: "md5" },
  "1.2.840.113549.1.1.5": { name: "sha1WithRSAEncryption", scheme: "rsa-pkcs1", hash: "sha1" },
  "1.2.840.113549.1.1.14": { name: "sha224WithRSAEncryption", scheme: "rsa-pkcs1", hash: "sha224" },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", scheme: "rsa-pkcs1", hash: "sha256" },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", scheme: "rsa-pkcs1", hash: "sha384" },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", scheme: "rsa-pkcs1", hash: "sha512" },
  [OID.rsassaPss]: { name: "RSASSA-PSS", scheme: "rsa-pss", hash: null },
  "1.2.840.10045.4.1": { name: "ecdsa-with-SHA1", scheme: "ecdsa", hash: "sha1" },
  "1.2.840.10045.4.3.1": { name: "ecdsa-with-SHA224", scheme: "ecdsa", hash: "sha224" },
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", scheme: "ecdsa", hash: "sha256" },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", scheme: "ecdsa", hash: "sha384" },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", scheme: "ecdsa", hash: "sha512" },
  [OID.ed25519]: { name: "Ed25519", scheme: "eddsa", hash: null },
  [OID.ed448]: { name: "Ed448", scheme: "eddsa", hash: null },
  "1.2.840.10040.4.3": { name: "dsa-with-SHA1", scheme: "dsa", hash: "sha1" },
  "2.16.840.1.101.3.4.3.1": { name: "dsa-with-SHA224", scheme: "dsa", hash: "sha224" },
  "2.16.840.1.101.3.4.3.2": { name: "dsa-with-SHA256", scheme: "dsa", hash: "sha256" },
  // Named so that messages never show a bare OID; hash null: no profile allows these digests
  // and WebCrypto cannot check them. RFC 8017 App. C (SHA-512/224, SHA-512/256), NIST CSOR /
  // RFC 8702 (SHA-3), RFC 5758 (DSA), RFC 8692 (SHAKE), RFC 3279 / OIW (legacy), GM/T 0006 (SM2).
  "1.2.840.113549.1.1.3": { name: "md4WithRSAEncryption", scheme: "rsa-pkcs1", hash: null },
  "1.3.14.3.2.29": { name: "sha1WithRSASignature (OIW)", scheme: "rsa-pkcs1", hash: "sha1" },
  "1.2.840.113549.1.1.15": { name: "sha512-224WithRSAEncryption", scheme: "rsa-pkcs1", hash: null },
  "1.2.840.113549.1.1.16": { name: "sha512-256WithRSAEncryption", scheme: "rsa-pkcs1", hash: null },
  "2.16.840.1.101.3.4.3.3": { name: "dsa-with-SHA384", scheme: "dsa", hash: "sha384" },
  "2.16.840.1.101.3.4.3.4": { name: "dsa-with-SHA512", scheme: "dsa", hash: "sha512" },
  "2.16.840.1.101.3.4.3.5": { name: "dsa-with-SHA3-224", scheme: "dsa", hash: null },
  "2.16.840.1.101.3.4.3.6": { name: "dsa-with-SHA3-256", scheme: "dsa", hash: null },
  "2.16.840.1.101.3.4.3.7": { name: "dsa-with-SHA3-384", scheme: "dsa", hash: null },
  "2.16.840.1.101.3.4.3.8": { name: "dsa-with-SHA3-512", scheme: "dsa", hash: null },
  "2.16.840.1.101.3.4.3.9": { name: "ecdsa-with-SHA3-224", scheme: "ecdsa", hash: null },
  "2.16.840.1.101.3.4.3.10": { name: "ecdsa-with-SHA3-256", scheme: "ecdsa", hash: null },
  "2.16.840.1.101.3.4.3.11": { name: "ecdsa-with-SHA3-384", scheme: "ecdsa", hash: null },
  "2.16.840.1.101.3.4.3.12": { name: "ecdsa-with-SHA3-512", scheme: "ecdsa", hash: null },
  "2.16.840.1.101.3.4.3.13": { name: "sha3-224WithRSAEncryption", scheme: "rsa-pkcs1", hash: null },
  "2.16.840.1.101.3.4.3.14": { name: "sha3-256WithRSAEncryption", scheme: "rsa-pkcs1", hash: null },
  "2.16.840.1.101.3.4.3.15": { name: "sha3-384WithRSAEncryption", scheme: "rsa-pkcs1", hash: null },
  "2.16.840.1.101.3.4.3.16": { name: "sha3-512WithRSAEncryption", scheme: "rsa-pkcs1", hash: null },
  "1.3.6.1.5.5.7.6.30": { name: "RSASSA-PSS-SHAKE128", scheme: "other", hash: null },
  "1.3.6.1.5.5.7.6.31": { name: "RSASSA-PSS-SHAKE256", scheme: "other", hash: null },
  "1.3.6.1.5.5.7.6.32": { name: "ecdsa-with-SHAKE128", scheme: "ecdsa", hash: null },
  "1.3.6.1.5.5.7.6.33": { name: "ecdsa-with-SHAKE256", scheme: "ecdsa", hash: null },
  "1.2.156.10197.1.501": { name: "SM2-with-SM3", scheme: "other", hash: null },
};

/** Display names of digests (FIPS 180-4, FIPS 202), including those no profile allows; for messages. */
export const HASH_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  [OID.md5]: "MD5",
  "1.2.840.113549.2.2": "MD2",
  [OID.sha1]: "SHA-1",
  [OID.sha224]: "SHA-224",
  [OID.sha256]: "SHA-256",
  [OID.sha384]: "SHA-384",
  [OID.sha512]: "SHA-512",
  "2.16.840.1.101.3.4.2.5": "SHA-512/224",
  "2.16.840.1.101.3.4.2.6": "SHA-512/256",
  "2.16.840.1.101.3.4.2.7": "SHA3-224",
  "2.16.840.1.101.3.4.2.8": "SHA3-256",
  "2.16.840.1.101.3.4.2.9": "SHA3-384",
  "2.16.840.1.101.3.4.2.10": "SHA3-512",
  "2.16.840.1.101.3.4.2.11": "SHAKE128",
  "2.16.840.1.101.3.4.2.12": "SHAKE256",
};

/** Named curves (RFC 5480 §2.1.1.1, SEC 2, RFC 5639) with their field size in bits. */
export const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  "1.2.840.10045.3.1.7": { name: "P-256", bits: 256 },
  "1.3.132.0.34": { name: "P-384", bits: 384 },
  "1.3.132.0.35": { name: "P-521", bits: 521 },
  "1.3.132.0.10": { name: "secp256k1", bits: 256 },
  "1.3.36.3.3.2.8.1.1.7": { name: "brainpoolP256r1", bits: 256 },
  "1.3.36.3.3.2.8.1.1.11": { name: "brainpoolP384r1", bits: 384 },
  "1.3.36.3.3.2.8.1.1.13": { name: "brainpoolP512r1", bits: 512 },
};

/** Short names of naming attributes (RFC 4514 §3, RFC 4519, RFC 5280 App. A, RFC 2985, CA/B Forum EV). */
export const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.13": "description",
  "2.5.4.15": "businessCategory",
  "2.5.4.17": "postalCode",
  "2.5.4.41": "name",
  "2.5.4.42": "GN",
  "2.5.4.43": "initials",
  "2.5.4.44": "generationQualifier",
  "2.5.4.46": "dnQualifier",
  "2.5.4.65": "pseudonym",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
  "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
};
