// The zip bundle of an issued certificate: leaf (PEM, DER), the chain in both orders, PKCS#7,
// the CA chain, and a README with fingerprints, validity and ready-to-run commands. Pure.
import { strToU8, zipSync } from "fflate";
import { parseCertificateInfo } from "../cert/certificate-info";
import { certificateToPem, chainToPem } from "../cert/download-formats";
import { buildCertsOnlyPkcs7 } from "../pkcs7/certs-only";

export interface BundleParams {
  leafDer: Uint8Array;
  /** CA certificates, issuing first, root last. */
  chainDers: readonly Uint8Array[];
  /** File name stem, e.g. "acme-ppr-5f3a9c1e". */
  baseName: string;
  environment: string;
  organisation: string;
  /** The mTLS connectivity-test URL, when the provider runs one. */
  connectivityUrl?: string;
  /** The connectivity server's certificate is from this environment's CA (Keyport's listener): curl needs --cacert ca-chain.pem. */
  connectivityServerFromCa?: boolean;
  /** Where the issuing CA's CRL is published (the certificate's CRL distribution point). */
  crlUrl?: string;
  /** Set when the certificate is revoked: the README says so first, and the bundle carries the CRL that lists it. */
  revocation?: { revokedAt: Date; reason: string; crlDer?: Uint8Array };
}

// Fixed timestamp: the same certificate always yields the same zip bytes.
const MTIME = new Date("2020-01-01T00:00:00Z");

export async function buildCertificateBundle(p: BundleParams): Promise<Uint8Array> {
  const b = p.baseName;
  const chain = [p.leafDer, ...p.chainDers];
  const infos = await Promise.all(chain.map((der) => parseCertificateInfo(der)));
  const [leaf] = infos;
  const describe = (label: string, i: (typeof infos)[number]) =>
    [
      `${label}`,
      `  Subject:       ${i.subjectString}`,
      `  Issuer:        ${i.issuerString}`,
      `  Serial:        ${i.serialHex}`,
      `  Valid from:    ${i.notBefore.toISOString()}`,
      `  Valid until:   ${i.notAfter.toISOString()}`,
      `  SHA-256:       ${i.sha256Fingerprint}`,
    ].join("\n");
  const url = p.connectivityUrl ?? "https://<provider mTLS endpoint>/";
  const revoked = p.revocation;
  const crlFile = `${p.environment}.crl`;
  const fetchCrl = p.crlUrl ? [`  curl -fsS -o ${crlFile} ${p.crlUrl}`] : [];
  // -crl_check: the leaf against its issuing CA's CRL (OpenSSL reads the CRL in DER or PEM).
  const verifyWithCrl = `  openssl verify -x509_strict -purpose sslclient -crl_check -CRLfile ${crlFile} -CAfile ca-chain.pem ${b}.pem`;
  const banner = revoked
    ? [
        "*****************************************************************************",
        `*  REVOKED on ${revoked.revokedAt.toISOString()} (reason: ${revoked.reason})`,
        "*  Gateways that check the CRL refuse this certificate. These files are kept",
        "*  for your records; request a new certificate (with a new key) to connect.",
        "*****************************************************************************",
        "",
      ]
    : [];
  const use = revoked
    ? [
        "Check the revocation against the CRL",
        `  ${crlFile} in this bundle is the CRL of the issuing CA as it was when you downloaded the bundle; it lists this certificate.`,
        ...(p.crlUrl ? ["  The current one:", ...fetchCrl] : []),
        verifyWithCrl,
        "  Expected: \"error 23 at 0 depth lookup: certificate revoked\". (Without -crl_check, openssl verify checks only the",
        "  signatures and dates, and would answer OK.)",
        "",
      ]
    : [
        "Check the certificate against the CA chain",
        `  openssl verify -x509_strict -purpose sslclient -CAfile ca-chain.pem ${b}.pem`,
        ...(p.crlUrl
          ? ["", "Check it is not revoked, with the issuing CA's current CRL (what gateways do)", ...fetchCrl, verifyWithCrl]
          : []),
        "",
        "Call the provider with mutual TLS (your private key never left your machine; use its file)",
        `  curl --cert ${b}-chain.pem --key <your private key file>${p.connectivityServerFromCa === false ? "" : " --cacert ca-chain.pem"} ${url}`,
        "",
        "Java keystore with your key (run where the key is)",
        `  openssl pkcs12 -export -inkey <your private key file> -in ${b}-chain.pem -name ${p.organisation} -out ${b}.p12`,
        "",
      ];
  const readme = [
    ...banner,
    `Keyport certificate bundle — ${p.organisation}, environment ${p.environment}${revoked ? " — REVOKED" : ""}`,
    "",
    "Files",
    `  ${b}.pem                   your certificate (PEM)`,
    `  ${b}.cer                   your certificate (DER)`,
    `  ${b}-chain.pem             your certificate, issuing CA, root CA (the order TLS clients send)`,
    `  ${b}-chain-root-first.pem  the same, root CA first`,
    `  ${b}.p7b                   PKCS#7 with your certificate and the CA chain (Windows, Java, IIS)`,
    `  ca-chain.pem               the provider's CA chain for ${p.environment} (issuing CA, root CA)`,
    ...(revoked?.crlDer ? [`  ${crlFile.padEnd(25)}  the issuing CA's CRL (DER), listing this certificate as revoked`] : []),
    "",
    describe(revoked ? `Your certificate — REVOKED on ${revoked.revokedAt.toISOString()} (${revoked.reason})` : "Your certificate", leaf),
    "",
    ...infos.slice(1).flatMap((i, n) => [describe(n === infos.length - 2 ? "Root CA" : "Issuing CA", i), ""]),
    ...use,
  ].join("\n");
  return zipSync(
    {
      [`${b}.pem`]: strToU8(certificateToPem(p.leafDer)),
      [`${b}.cer`]: p.leafDer,
      [`${b}-chain.pem`]: strToU8(chainToPem(chain, "leaf-first")),
      [`${b}-chain-root-first.pem`]: strToU8(chainToPem(chain, "root-first")),
      [`${b}.p7b`]: buildCertsOnlyPkcs7(chain),
      "ca-chain.pem": strToU8(chainToPem(p.chainDers, "leaf-first")),
      ...(revoked?.crlDer ? { [crlFile]: revoked.crlDer } : {}),
      "README.txt": strToU8(readme),
    },
    { mtime: MTIME },
  );
}
