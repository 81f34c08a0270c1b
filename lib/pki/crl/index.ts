export { buildCrl, type BuildCrlParams, type RevokedEntry } from "./build-crl";
export { parseCrlInfo, verifyCrlSignature, type CrlEntryInfo, type CrlInfo } from "./crl-info";
export { REVOCATION_REASONS, REASON_CODE, type RevocationReason } from "./reasons";
