// Partner server CA chains: read an upload, validate it under a trust policy.
export { MAX_CHAIN_CERTIFICATES, MAX_CHAIN_INPUT_BYTES, readChainInput, type ChainInput, type ReadCertificate } from "./read-chain-input";
export { DEFAULT_TRUST_POLICY, validateServerChain, type ChainCertificateSummary, type ChainValidation, type TrustPolicy } from "./validate-chain";
export { hasFailure, summariseFailures, type ChainFinding } from "./findings";
export { checkChainUpload } from "./check-upload";
