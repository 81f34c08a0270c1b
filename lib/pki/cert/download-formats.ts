// The files a partner or officer downloads: leaf (PEM, DER), full chain in PEM (either order),
// the CA chain as PEM, as one DER file per CA, or as PKCS#7 certs-only.
import { PkiError } from "./errors";
import { bytesEqual } from "./der";
import { splitCertificate } from "./certificate-der";
import { buildCertsOnlyPkcs7, pkcs7ToPem } from "../pkcs7/certs-only";
import { pemEncode } from "../pem";

/** "leaf-first": leaf → issuing → root (what TLS peers send, RFC 8446 §4.4.2); "root-first": the reverse. */
export type ChainOrder = "leaf-first" | "root-first";

/** Media types (RFC 2585 for pkix-cert/pkix-crl, RFC 7468 PEM) and file extensions. */
export const MEDIA_TYPES = {
  pem: { contentType: "application/x-pem-file", extension: ".pem" },
  certificateDer: { contentType: "application/pkix-cert", extension: ".cer" },
  pkcs7: { contentType: "application/x-pkcs7-certificates", extension: ".p7b" },
  pkcs12: { contentType: "application/x-pkcs12", extension: ".p12" },
  crl: { contentType: "application/pkix-crl", extension: ".crl" },
} as const;

export function certificateToPem(der: Uint8Array): string {
  splitCertificate(der);
  return pemEncode("CERTIFICATE", der);
}

/** Throws unless each certificate is issued by the next one (issuer Name = next subject Name). */
export function assertChainOrder(certificatesLeafFirst: readonly Uint8Array[]): void {
  const parts = certificatesLeafFirst.map((der) => splitCertificate(der));
  for (let i = 0; i + 1 < parts.length; i++) {
    if (!bytesEqual(parts[i].issuer, parts[i + 1].subject)) {
      throw new PkiError("invalid_input", `Certificate ${i + 1} of the chain is not the issuer of certificate ${i}; pass the chain leaf first`);
    }
  }
}

/** PEM bundle of a chain given leaf first (e.g. [leaf, issuing, root] or [issuing, root]). */
export function chainToPem(certificatesLeafFirst: readonly Uint8Array[], order: ChainOrder = "leaf-first"): string {
  if (!certificatesLeafFirst.length) throw new PkiError("invalid_input", "The chain is empty");
  assertChainOrder(certificatesLeafFirst);
  const ordered = order === "leaf-first" ? certificatesLeafFirst : [...certificatesLeafFirst].reverse();
  return ordered.map((der) => pemEncode("CERTIFICATE", der)).join("");
}

/** PKCS#7 certs-only bundle of the CA chain (given issuing CA first), DER or PEM. */
export function caChainToPkcs7(caChainLeafFirst: readonly Uint8Array[], encoding: "der" | "pem" = "der"): Uint8Array | string {
  assertChainOrder(caChainLeafFirst);
  const der = buildCertsOnlyPkcs7(caChainLeafFirst);
  return encoding === "pem" ? pkcs7ToPem(der) : der;
}

export type DownloadFormat = "leaf-pem" | "leaf-der" | "chain-pem" | "ca-chain-pem" | "ca-der" | "ca-chain-p7b";

export interface DownloadInput {
  leafDer?: Uint8Array;
  /** CA certificates, issuing CA first, root last. */
  caChainDer: readonly Uint8Array[];
}

export interface DownloadOptions {
  /** chain-pem and ca-chain-pem: default "leaf-first". */
  order?: ChainOrder;
  /** ca-der: which CA certificate (0 = issuing CA); default 0. */
  caIndex?: number;
  /** ca-chain-p7b: default "der". */
  encoding?: "der" | "pem";
}

export interface DownloadFile {
  body: Uint8Array | string;
  contentType: string;
  extension: string;
}

/** One place that turns a stored certificate and its CA chain into any download format. */
export function renderDownload(format: DownloadFormat, input: DownloadInput, options: DownloadOptions = {}): DownloadFile {
  const leaf = () => {
    if (!input.leafDer) throw new PkiError("invalid_input", `The ${format} download needs the certificate`);
    return input.leafDer;
  };
  switch (format) {
    case "leaf-pem":
      return { body: certificateToPem(leaf()), ...MEDIA_TYPES.pem };
    case "leaf-der":
      splitCertificate(leaf());
      return { body: leaf(), ...MEDIA_TYPES.certificateDer };
    case "chain-pem":
      return { body: chainToPem([leaf(), ...input.caChainDer], options.order), ...MEDIA_TYPES.pem };
    case "ca-chain-pem":
      return { body: chainToPem(input.caChainDer, options.order), ...MEDIA_TYPES.pem };
    case "ca-der": {
      const der = input.caChainDer[options.caIndex ?? 0];
      if (!der) throw new PkiError("invalid_input", `There is no CA certificate at index ${options.caIndex ?? 0}`);
      splitCertificate(der);
      return { body: der, ...MEDIA_TYPES.certificateDer };
    }
    case "ca-chain-p7b":
      return { body: caChainToPkcs7(input.caChainDer, options.encoding), contentType: MEDIA_TYPES.pkcs7.contentType, extension: MEDIA_TYPES.pkcs7.extension };
    default:
      throw new PkiError("invalid_input", `Unknown download format ${String(format)}`);
  }
}
