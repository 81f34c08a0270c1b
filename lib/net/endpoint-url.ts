// Callback and ingress base URLs of the endpoint registry (issue 18, item 5). Pure (runs in the
// browser too). A URL is parsed by the WHATWG URL parser and stored as it re-serialises it, so the
// value every gateway reads is the one a browser, Node and curl agree on — never the bytes pasted.
import ipaddr from "ipaddr.js";
import { parseCidr, specialRange } from "./cidr";

export type UrlIssue = { severity: "error" | "warning"; code: string; message: string };
export type CheckedUrl = { input: string; url: string | null; host: string | null; port: number | null; path: string | null; hostIsIp: boolean; issues: UrlIssue[] };

export const MAX_URL_LENGTH = 300;

// Names that never reach a production server over the internet: RFC 6761 special-use names,
// RFC 2606 documentation domains, mDNS (RFC 6762) and home networks (RFC 8375).
const SPECIAL_SUFFIXES: { suffix: string; label: string }[] = [
  { suffix: "localhost", label: "loopback name (RFC 6761 §6.3)" },
  { suffix: "localdomain", label: "local name" },
  { suffix: "local", label: "multicast DNS name (RFC 6762)" },
  { suffix: "home.arpa", label: "home network name (RFC 8375)" },
  { suffix: "internal", label: "private-use name" },
  { suffix: "test", label: "testing name (RFC 6761 §6.2)" },
  { suffix: "invalid", label: "invalid name (RFC 6761 §6.4)" },
  { suffix: "example", label: "documentation name (RFC 2606)" },
  { suffix: "example.com", label: "documentation name (RFC 2606)" },
  { suffix: "example.net", label: "documentation name (RFC 2606)" },
  { suffix: "example.org", label: "documentation name (RFC 2606)" },
];

/** Why a host cannot be a production endpoint (loopback, private, link-local, documentation…), or null. */
export function specialHost(host: string): string | null {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (ipaddr.isValid(bare)) {
    const c = parseCidr(bare);
    if (!c.ok) {
      // ::ffff:a.b.c.d and ::a.b.c.d: judged as the IPv4 address they carry.
      const v6 = ipaddr.IPv6.isValid(bare) ? ipaddr.IPv6.parse(bare) : null;
      if (v6?.isIPv4MappedAddress()) return specialHost(v6.toIPv4Address().toString()) ?? "is an IPv4-mapped IPv6 address";
      return "is not a routable address";
    }
    const s = specialRange(c.value);
    return s ? `${bare} ${s}` : null;
  }
  const name = host.toLowerCase();
  const hit = SPECIAL_SUFFIXES.find((s) => name === s.suffix || name.endsWith(`.${s.suffix}`));
  if (hit) return `${host} is a ${hit.label}`;
  if (!name.includes(".")) return `${host} is a single-label name, which only resolves on a local network`;
  return null;
}

/**
 * Check one https base URL: WHATWG-parsed and re-serialised; https only; host, port and path only
 * (no userinfo, query or fragment: a base URL is joined with callback paths, and a query or
 * fragment would be lost or misplaced). Loopback, private, link-local and documentation hosts are
 * errors when `strict` (a production environment that does not allow them), warnings otherwise.
 */
export function checkEndpointUrl(raw: string, opts: { strict: boolean }): CheckedUrl {
  const input = raw.trim();
  const fail = (code: string, message: string): CheckedUrl => ({ input, url: null, host: null, port: null, path: null, hostIsIp: false, issues: [{ severity: "error", code, message }] });
  if (!input) return fail("empty", "Give an https URL, e.g. https://api.partner.example:8443/callbacks.");
  if (input.length > MAX_URL_LENGTH) return fail("too_long", `At most ${MAX_URL_LENGTH} characters.`);
  // The WHATWG parser silently drops tabs and line breaks and trims C0 controls and spaces: refuse
  // them, so what is stored is what was meant.
  if (/[\s\u0000-\u001f\u007f]/.test(input)) return fail("whitespace", "The URL holds a space or control character; remove it.");
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    return fail("invalid", `"${input.slice(0, 80)}" is not a URL; give an absolute https URL, e.g. https://api.partner.example/callbacks.`);
  }
  if (u.protocol !== "https:") return fail("not_https", `Only https URLs are accepted (this one is ${u.protocol.replace(/:$/, "")}); the provider calls partners over mutual TLS.`);
  if (u.username || u.password || /^https:\/\/[^/?#]*@/i.test(input)) return fail("userinfo", "Remove the user name or password (user:pass@): credentials do not belong in a URL.");
  if (u.search || input.includes("?")) return fail("query", "Remove the query (?…): give a base URL; callback paths are appended to it.");
  if (u.hash || input.includes("#")) return fail("fragment", "Remove the fragment (#…): it is never sent to a server.");
  if (!u.hostname) return fail("no_host", "The URL names no host.");
  if (u.hostname.endsWith(".")) return fail("trailing_dot", `Write the host without the trailing dot (${u.hostname.slice(0, -1)}).`);
  if (u.pathname.includes("%2e") || u.pathname.includes("%2E")) return fail("encoded_dot", "The path holds an encoded dot segment (%2e); write the path plainly.");
  const hostIsIp = ipaddr.isValid(u.hostname.replace(/^\[(.*)\]$/, "$1"));
  const issues: UrlIssue[] = [];
  if (!hostIsIp && !/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(u.hostname)) return fail("host", `"${u.hostname}" is not a DNS host name (letters, digits and hyphens, dot-separated).`);
  if (!hostIsIp && u.hostname.split(".").some((l) => l.length > 63 || l.startsWith("-") || l.endsWith("-"))) return fail("host", `"${u.hostname}" has a label longer than 63 characters or starting or ending with a hyphen (RFC 1035).`);
  const special = specialHost(u.hostname);
  if (special) {
    issues.push(
      opts.strict
        ? { severity: "error", code: "reserved_host", message: `${special}: a production environment does not accept it (unless the environment allows private endpoints).` }
        : { severity: "warning", code: "reserved_host", message: `${special}; fine for a test network, refused in production.` },
    );
  }
  const port = u.port ? Number(u.port) : 443;
  // Re-serialised: lower-case host, punycode, default port dropped, dot segments resolved; no trailing slash on a path.
  const path = u.pathname.length > 1 ? u.pathname.replace(/\/+$/, "") || "/" : "/";
  const url = `https://${u.host}${path === "/" ? "" : path}`;
  return { input, url, host: u.hostname, port, path, hostIsIp, issues };
}
