// Certificate issuance and inspection (pure: Node and browser).
export { PkiError, type PkiErrorCode } from "./errors";
export { CA_KEY_TYPES, SIGNATURE_ALGORITHM_FOR_KEY_TYPE, caKeyTypeOfSpki, describeSignatureAlgorithm, verifySignature, type CaKeyType, type SignatureAlgorithm, type Signer } from "./signer";
export { randomSerial, serialFromHex, serialToHex, assertValidSerial } from "./serial";
export { buildName, nameToString, type SimpleName } from "./name";
export { buildCaCertificate, type BuildCaCertificateParams } from "./ca-certificate";
export { issueLeafCertificate, issueLeafCertificateWithTemplate, type IssueLeafParams, type IssuedCertificate } from "./leaf-certificate";
export { createIssuerTemplate, getIssuerTemplate, type IssuerTemplate, type IssuerTemplateParams } from "./issuer-template";
export { parseCertificateInfo, type CertificateInfo } from "./certificate-info";
export type { ExtendedKeyUsage, SubjectAltNames } from "./extensions";
export { parseIpAddress, formatIpAddress } from "../ip-address";
export {
  MEDIA_TYPES,
  assertChainOrder,
  caChainToPkcs7,
  certificateToPem,
  chainToPem,
  renderDownload,
  type ChainOrder,
  type DownloadFile,
  type DownloadFormat,
  type DownloadInput,
  type DownloadOptions,
} from "./download-formats";
