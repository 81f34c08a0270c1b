import { publicUrl } from "@/lib/ca/authority";

/**
 * Where partners run the mTLS connectivity test for an environment:
 * KEYPORT_CONNECTIVITY_URL (a gateway the provider runs), with `{env}` replaced by the
 * environment's code so each environment can have its own gateway
 * (e.g. https://mtls-{env}.example.com/api/healthCheck); else the public host on the
 * environment's port from KEYPORT_CONNECTIVITY ("PPR:8443,PRD:8444"). Null when neither is configured.
 */
export function connectivityUrl(envCode: string, env: Record<string, string | undefined> = process.env): string | null {
  const explicit = env.KEYPORT_CONNECTIVITY_URL?.trim();
  if (explicit) return explicit.replaceAll("{env}", envCode);
  const m = new RegExp(`(?:^|,)\\s*${envCode}\\s*:\\s*(\\d{1,5})\\s*(?:,|$)`).exec(env.KEYPORT_CONNECTIVITY ?? "");
  if (!m) return null;
  return `https://${new URL(publicUrl()).hostname}:${m[1]}/api/healthCheck`;
}

/**
 * Which CA vouches for the server partners test against: Keyport's own listener serves a
 * certificate from the environment's CA (so `--cacert <ENV>-ca-chain.pem`); a provider's
 * gateway named by KEYPORT_CONNECTIVITY_URL has its own server certificate, normally one the
 * partner's system trust store already knows (so no --cacert).
 */
export function connectivityServerIssuedByKeyport(env: Record<string, string | undefined> = process.env): boolean {
  return !env.KEYPORT_CONNECTIVITY_URL?.trim();
}
