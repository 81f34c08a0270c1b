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
  const readme = [
    `Keyport certificate bundle — ${p.organisation}, environment ${p.environment}`,
    "",
    "Files",
    `  ${b}.pem                   your certificate (PEM)`,
    `  ${b}.cer                   your certificate (DER)`,
    `  ${b}-chain.pem             your certificate, issuing CA, root CA (the order TLS clients send)`,
    `  ${b}-chain-root-first.pem  the same, root CA first`,
    `  ${b}.p7b                   PKCS#7 with your certificate and the CA chain (Windows, Java, IIS)`,
    `  ca-chain.pem               the provider's CA chain for ${p.environment} (issuing CA, root CA)`,
    "",
    describe("Your certificate", leaf),
    "",
    ...infos.slice(1).flatMap((i, n) => [describe(n === infos.length - 2 ? "Root CA" : "Issuing CA", i), ""]),
    "Check the certificate against the CA chain",
    `  openssl verify -x509_strict -purpose sslclient -CAfile ca-chain.pem ${b}.pem`,
    "",
    "Call the provider with mutual TLS (your private key never left your machine; use its file)",
    `  curl --cert ${b}-chain.pem --key <your private key file> ${url}`,
    "",
    "Java keystore with your key (run where the key is)",
    `  openssl pkcs12 -export -inkey <your private key file> -in ${b}-chain.pem -name ${p.organisation} -out ${b}.p12`,
    "",
  ].join("\n");
  return zipSync(
    {
      [`${b}.pem`]: strToU8(certificateToPem(p.leafDer)),
      [`${b}.cer`]: p.leafDer,
      [`${b}-chain.pem`]: strToU8(chainToPem(chain, "leaf-first")),
      [`${b}-chain-root-first.pem`]: strToU8(chainToPem(chain, "root-first")),
      [`${b}.p7b`]: buildCertsOnlyPkcs7(chain),
      "ca-chain.pem": strToU8(chainToPem(p.chainDers, "leaf-first")),
      "README.txt": strToU8(readme),
    },
    { mtime: MTIME },
  );
}
