// nginx configuration for the provider's egress gateway (issue 17, item 5): one upstream per
// partner, reached over mutual TLS with the provider's client certificate towards that partner,
// the partner's endorsed server CA chain as the only trust, verification on, and the partner's host
// name for SNI and the certificate check. Pure: values in, text out; values are checked here.
import { nginxQuote } from "./nginx";

export type EgressPartner = {
  organisation: string;
  /** host:port of the partner's server. */
  host: string;
  port: number;
  /** Path prefix on the partner's side ("/" when none). */
  path: string;
  trustFile: string;
  certFile: string;
  keyFile: string;
};

const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const SAFE_PATH = /^\/[A-Za-z0-9._~!$&'()*+,=:@%/-]*$/;

/** Why a partner cannot be configured (null: it can). */
export function egressPartnerProblem(p: Pick<EgressPartner, "organisation" | "host" | "port" | "path">): string | null {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(p.organisation)) return `organisation code "${p.organisation}" is not usable in an nginx location`;
  if (!HOST.test(p.host) && !/^\d{1,3}(\.\d{1,3}){3}$/.test(p.host)) return `host "${p.host}" is not a DNS name or IPv4 address`;
  if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) return `port ${p.port} is out of range`;
  if (!SAFE_PATH.test(p.path)) return `path "${p.path}" holds characters nginx would misread`;
  return null;
}

/** Split a partner's https endpoint URL into host, port and path. */
export function parseEndpoint(url: string): { host: string; port: number; path: string } | null {
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" || u.username || u.password || u.search || u.hash) return null;
    return { host: u.hostname, port: u.port ? Number(u.port) : 443, path: u.pathname || "/" };
  } catch {
    return null;
  }
}

const upstreamName = (org: string) => `keyport_egress_${org.replace(/-/g, "_")}`;

/**
 * The egress server block: a request to http://<listen>/<organisation>/… goes to that partner's
 * server over mutual TLS. Partners without a usable endpoint are left out by the caller.
 */
export function egressConf(o: { envCode: string; listen: string; partners: EgressPartner[]; generatedAt: string }): string {
  const lines = [`# Keyport egress gateway for ${o.envCode}, generated ${o.generatedAt}; do not edit: keyport gateway egress/sync rewrites it.`, ""];
  for (const p of o.partners) {
    const problem = egressPartnerProblem(p);
    if (problem) throw new Error(`Cannot configure ${p.organisation}: ${problem}`);
    lines.push(`upstream ${upstreamName(p.organisation)} {`, `  server ${p.host}:${p.port};`, `  keepalive 8;`, `}`, "");
  }
  lines.push(`server {`, `  listen ${o.listen};`, `  # Only the provider's own services may use the egress proxy: keep it on a private address.`);
  for (const p of o.partners) {
    const base = p.path.endsWith("/") ? p.path : `${p.path}/`;
    lines.push(
      `  location /${p.organisation}/ {`,
      `    proxy_pass https://${upstreamName(p.organisation)}${base};`,
      `    proxy_http_version 1.1;`,
      `    proxy_set_header Connection "";`,
      `    proxy_set_header Host ${p.host};`,
      `    proxy_ssl_certificate ${nginxQuote(p.certFile)};`,
      `    proxy_ssl_certificate_key ${nginxQuote(p.keyFile)};`,
      `    proxy_ssl_trusted_certificate ${nginxQuote(p.trustFile)};`,
      `    proxy_ssl_verify on;`,
      `    proxy_ssl_verify_depth 4;`,
      `    proxy_ssl_name ${p.host};`,
      `    proxy_ssl_server_name on;`,
      `    proxy_ssl_protocols TLSv1.2 TLSv1.3;`,
      `    proxy_ssl_session_reuse on;`,
      `  }`,
    );
  }
  lines.push(`  location / {`, `    return 404 "No partner at this path.\\n";`, `  }`, `}`, "");
  return lines.join("\n");
}
