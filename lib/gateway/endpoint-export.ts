// The endpoint registry as files for gateways and firewalls (issue 18, item 5): JSON, CSV and
// nginx `map` / `upstream` blocks. Pure: takes confirmed entries (already canonical — re-serialised
// URLs, canonical CIDRs) and returns text.
export type RegistryExport = {
  environment: string;
  generatedAt: string;
  provider: { egressCidrs: string[]; ingressUrls: string[] };
  partners: { organisation: string; callbacks: { url: string; host: string; port: number; path: string; confirmedAt: string | null }[]; ingressCidrs: string[] }[];
};

export function registryJson(r: RegistryExport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** RFC 4180: CRLF lines, every field quoted; a leading = + - @ is prefixed with ' so no spreadsheet runs it as a formula. */
export function registryCsv(r: RegistryExport): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? "" : String(v);
    return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
  };
  const rows: (string | number | null)[][] = [["environment", "party", "organisation", "kind", "value", "host", "port", "path", "confirmed_at"]];
  for (const c of r.provider.egressCidrs) rows.push([r.environment, "provider", "", "egress_cidr", c, "", "", "", ""]);
  for (const u of r.provider.ingressUrls) {
    const p = new URL(u);
    rows.push([r.environment, "provider", "", "ingress_url", u, p.hostname, p.port ? Number(p.port) : 443, p.pathname, ""]);
  }
  for (const p of r.partners) {
    for (const c of p.callbacks) rows.push([r.environment, "partner", p.organisation, "callback_url", c.url, c.host, c.port, c.path, c.confirmedAt]);
    for (const c of p.ingressCidrs) rows.push([r.environment, "partner", p.organisation, "ingress_cidr", c, "", "", "", ""]);
  }
  return rows.map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

const token = (s: string) => s.toLowerCase().replace(/[^a-z0-9_]/g, "_");
/** An nginx string: double-quoted; canonical URLs hold no " \ $ or whitespace, but escape anyway. */
const q = (s: string) => `"${s.replace(/[\\"$]/g, (c) => (c === "$" ? "%24" : `\\${c}`))}"`;

/**
 * nginx blocks for the http { } context: one `upstream` per confirmed callback (host:port), a `map`
 * from the partner's organisation code to its first callback base URL and to its upstream name,
 * and the partners' ingress ranges and the provider's egress ranges as comments for firewalls.
 * The variable the maps read is $keyport_partner: set it in your server or location.
 */
export function registryNginx(r: RegistryExport): string {
  const env = token(r.environment);
  const out: string[] = [`# Keyport endpoint registry for ${r.environment}, generated ${r.generatedAt}. Include inside http { }.`, "# Set $keyport_partner (an organisation code) before using the maps.", ""];
  const first: { org: string; url: string; upstream: string }[] = [];
  for (const p of r.partners) {
    p.callbacks.forEach((c, i) => {
      const name = `keyport_${env}_${token(p.organisation)}_${i + 1}`;
      if (i === 0) first.push({ org: p.organisation, url: c.url, upstream: name });
      const host = c.host.includes(":") ? `[${c.host.replace(/^\[|\]$/g, "")}]` : c.host;
      out.push(`# ${p.organisation}: ${c.url}`, `upstream ${name} {`, `    server ${host}:${c.port};`, "    keepalive 8;", "}", "");
    });
  }
  out.push(`map $keyport_partner $keyport_${env}_callback_base {`, '    default "";', ...first.map((f) => `    ${q(f.org)} ${q(f.url)};`), "}", "");
  out.push(`map $keyport_partner $keyport_${env}_callback_upstream {`, '    default "";', ...first.map((f) => `    ${q(f.org)} ${f.upstream};`), "}", "");
  out.push("# Partners' ingress ranges (the provider's callbacks reach them):");
  for (const p of r.partners) for (const c of p.ingressCidrs) out.push(`#   ${p.organisation} ${c}`);
  out.push("# The provider's egress ranges (partners allow them):", ...r.provider.egressCidrs.map((c) => `#   ${c}`), "");
  return out.join("\n");
}
