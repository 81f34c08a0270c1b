import type { ChainFinding } from "./findings";
import { readChainInput } from "./read-chain-input";
import { type ChainValidation, type TrustPolicy, validateServerChain } from "./validate-chain";

/**
 * Read and validate an upload: the CA chain, and optionally the server certificate (its own
 * field, or the one leaf found in the chain upload is NOT taken as it: a leaf there is a finding).
 */
export async function checkChainUpload(params: {
  chain: string | Uint8Array;
  server?: string | Uint8Array | null;
  now?: Date;
  policy?: TrustPolicy;
  isRevoked?: (sha256Fingerprint: string) => boolean;
}): Promise<ChainValidation> {
  const chain = readChainInput(params.chain);
  const findings: ChainFinding[] = [...chain.findings];
  let server = null;
  if (params.server !== undefined && params.server !== null && (typeof params.server !== "string" || params.server.trim())) {
    const s = readChainInput(params.server);
    findings.push(...s.findings.map((f) => ({ ...f, message: `Server certificate: ${f.message}` })));
    if (s.certificates.length > 1) findings.push({ code: "server.single", result: "fail", message: `The server certificate field holds ${s.certificates.length} certificates; give only your server's own certificate (the CAs go in the chain).` });
    server = s.certificates[0] ?? null;
  }
  if (findings.some((f) => f.result === "fail")) {
    // Unreadable input or a private key: nothing further is checked (and nothing is stored).
    return { findings, accepted: false, chainDer: [], serverDer: null, certificates: [], hosts: [], notAfter: null };
  }
  const v = await validateServerChain({ certificates: chain.certificates, server, now: params.now, policy: params.policy, isRevoked: params.isRevoked });
  return { ...v, findings: [...findings, ...v.findings] };
}
