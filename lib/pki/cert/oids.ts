// Object identifiers used by lib/pki, named after their ASN.1 module names.

export const OID = {
  // Public key algorithms (RFC 3279, RFC 5480)
  rsaEncryption: "1.2.840.113549.1.1.1",
  idEcPublicKey: "1.2.840.10045.2.1",
  secp256r1: "1.2.840.10045.3.1.7",
  secp384r1: "1.3.132.0.34",
  secp521r1: "1.3.132.0.35",
  // Signature algorithms (RFC 4055, RFC 5758)
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  ecdsaWithSHA384: "1.2.840.10045.4.3.3",
  ecdsaWithSHA512: "1.2.840.10045.4.3.4",
  // Certificate extensions (RFC 5280 §4.2)
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
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
  // Name attributes (RFC 4519, PKCS#9)
  commonName: "2.5.4.3",
  countryName: "2.5.4.6",
  organizationName: "2.5.4.10",
  // CMS / PKCS#7 (RFC 5652)
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  encryptedData: "1.2.840.113549.1.7.6",
  // PKCS#12 (RFC 7292) and PKCS#9 attributes
  certBag: "1.2.840.113549.1.12.10.1.3",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  /** Oracle's "trusted key usage" bag attribute: Java lists a cert bag carrying it as a trustedCertEntry. */
  oracleTrustedKeyUsage: "2.16.840.1.113894.746875.1.1",
} as const;
