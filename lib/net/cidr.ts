// Source-IP allowlist entries: parse, normalise and judge IPv4/IPv6 addresses
// and CIDR ranges. Pure (runs in the browser too); parsing by ipaddr.js.
import ipaddr from "ipaddr.js";

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

export type Cidr = { version: 4 | 6; network: Addr; prefix: number; cidr: string };

export type EntryIssue = { severity: "error" | "warning"; code: string; message: string };

export type JudgedEntry = { input: string; cidr: string | null; version: 4 | 6 | null; issues: EntryIssue[] };

/**
 * One allowlist request: at most 50 entries, typed one a line (with # comments) in at most 10,000
 * characters, and a note of at most 500. The form enforces them as the server does, so a paste
 * never turns into an oversize request.
 */
export const REQUEST_LIMITS = { entries: 50, text: 10_000, note: 500 } as const;

/** Widest ranges a partner may ask for (a provider allowlists its partners' egress, not the internet). */
export const MAX_WIDTH = { 4: 24, 6: 48 } as const;

// IANA special-purpose address registries (RFC 6890 and successors), most specific first: the
// first range an entry lies in or overlaps names it.
const SPECIAL_RANGES: { cidr: string; label: string; note?: string }[] = [
  { cidr: "0.0.0.0/8", label: "\"this network\" (RFC 791)" },
  { cidr: "10.0.0.0/8", label: "private (RFC 1918)" },
  { cidr: "100.64.0.0/10", label: "carrier-grade NAT (RFC 6598)" },
  { cidr: "127.0.0.0/8", label: "loopback (RFC 1122)" },
  { cidr: "169.254.0.0/16", label: "link-local (RFC 3927)" },
  { cidr: "172.16.0.0/12", label: "private (RFC 1918)" },
  { cidr: "192.0.0.0/24", label: "IETF protocol assignments (RFC 6890)" },
  { cidr: "192.0.2.0/24", label: "documentation, TEST-NET-1 (RFC 5737)" },
  { cidr: "192.88.99.0/24", label: "6to4 relay anycast (RFC 7526)" },
  { cidr: "192.168.0.0/16", label: "private (RFC 1918)" },
  { cidr: "198.18.0.0/15", label: "benchmarking (RFC 2544)" },
  { cidr: "198.51.100.0/24", label: "documentation, TEST-NET-2 (RFC 5737)" },
  { cidr: "203.0.113.0/24", label: "documentation, TEST-NET-3 (RFC 5737)" },
  { cidr: "224.0.0.0/4", label: "multicast (RFC 5771)" },
  { cidr: "240.0.0.0/4", label: "reserved (RFC 1112)" },
  { cidr: "255.255.255.255/32", label: "limited broadcast (RFC 919)" },
  { cidr: "::/128", label: "unspecified (RFC 4291)" },
  { cidr: "::1/128", label: "loopback (RFC 4291)" },
  { cidr: "::ffff:0:0/96", label: "IPv4-mapped (RFC 4291)" },
  { cidr: "64:ff9b::/96", label: "IPv4/IPv6 translation (RFC 6052)" },
  { cidr: "64:ff9b:1::/48", label: "local IPv4/IPv6 translation (RFC 8215)" },
  { cidr: "100::/64", label: "discard-only (RFC 6666)" },
  { cidr: "2001::/23", label: "IETF protocol assignments (RFC 2928)" },
  { cidr: "2001:db8::/32", label: "documentation (RFC 3849)" },
  { cidr: "2002::/16", label: "6to4 (RFC 3056)" },
  { cidr: "3fff::/20", label: "documentation (RFC 9637)" },
  { cidr: "5f00::/16", label: "segment routing (RFC 9602)" },
  { cidr: "fc00::/7", label: "unique local (RFC 4193)" },
  { cidr: "fe80::/10", label: "link-local (RFC 4291)" },
  { cidr: "fec0::/10", label: "deprecated site-local (RFC 3879)" },
  { cidr: "ff00::/8", label: "multicast (RFC 4291)" },
  // IANA IPv6 Address Space registry: only 2000::/3 is allocated for global unicast (RFC 4291 §2.4);
  // every other block not named above is reserved by the IETF and not routed on the internet.
  ...["::/8", "100::/8", "200::/7", "400::/6", "800::/5", "1000::/4", "4000::/3", "6000::/3", "8000::/3", "a000::/3", "c000::/3", "e000::/4", "f000::/5", "f800::/6", "fe00::/9"].map(
    (cidr) => ({ cidr, label: "IETF-reserved", note: "only 2000::/3 is global unicast, IANA IPv6 Address Space registry" }),
  ),
];
const SPECIAL = SPECIAL_RANGES.map((s) => ({ ...s, parsed: toCidr(...ipaddr.parseCIDR(s.cidr)) }));

function toCidr(addr: Addr, prefix: number): Cidr {
  const version = addr.kind() === "ipv4" ? 4 : 6;
  const text = version === 4 ? addr.toString() : (addr as ipaddr.IPv6).toRFC5952String();
  return { version, network: addr, prefix, cidr: `${text}/${prefix}` };
}

function networkOf(addr: Addr, prefix: number): Addr {
  const bytes = addr.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    bytes[i] &= keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
  }
  return ipaddr.fromByteArray(bytes);
}

/** Parse one entry; on failure, a message that says what is wrong and, where it can, what was meant. */
export function parseCidr(raw: string): { ok: true; value: Cidr } | { ok: false; code: string; message: string } {
  const input = raw.trim();
  if (!input) return { ok: false, code: "empty", message: "Give an IPv4 or IPv6 address or CIDR range." };
  if (input.length > 64) return { ok: false, code: "invalid", message: "That is not an IP address or CIDR range." };
  const [addrText, prefixText, ...extra] = input.split("/");
  if (extra.length) return { ok: false, code: "invalid", message: `"${input}" is not an IP address or CIDR range.` };
  if (addrText.includes("%")) return { ok: false, code: "invalid", message: `"${input}": zone identifiers (%…) are not allowed.` };
  let addr: Addr;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addrText) && /(^|\.)0\d/.test(addrText)) {
    const decimal = addrText.replace(/(^|\.)0+(\d)/g, "$1$2");
    return { ok: false, code: "invalid", message: `"${addrText}" has a leading zero, which some systems read as octal; write ${decimal}.` };
  }
  // ipaddr.js reads "::a.b.c.d" as the IPv4-mapped ::ffff:a.b.c.d; it is the IPv4-compatible
  // ::a.b.c.d (RFC 4291 §2.5.5.1), a different address: recognise it before the library does.
  const compatible = /^::(\d{1,3}(?:\.\d{1,3}){3})$/.exec(addrText);
  if (compatible && ipaddr.IPv4.isValidFourPartDecimal(compatible[1])) return ipv4Compatible(addrText, compatible[1]);
  if (ipaddr.IPv4.isValidFourPartDecimal(addrText)) {
    addr = ipaddr.IPv4.parse(addrText);
  } else if (ipaddr.IPv6.isValid(addrText) && addrText.includes(":") && !compatible) {
    addr = ipaddr.IPv6.parse(addrText);
    if ((addr as ipaddr.IPv6).isIPv4MappedAddress()) {
      return { ok: false, code: "invalid", message: `"${addrText}" is an IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2); give the IPv4 address ${(addr as ipaddr.IPv6).toIPv4Address().toString()} instead.` };
    }
    // The same address written in hex (::102:304): IPv4-compatible too, unless it is ::, ::1 or
    // another address of ::/104 (none is an IPv4 address people use; 0000::/8 is IETF-reserved).
    const b = addr.toByteArray();
    if (b.slice(0, 12).every((x) => x === 0) && b[12] !== 0) return ipv4Compatible(addrText, b.slice(12).join("."));
  } else {
    return { ok: false, code: "invalid", message: `"${input}" is not an IPv4 or IPv6 address${prefixText !== undefined ? " range" : ""}.` };
  }
  const max = addr.kind() === "ipv4" ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
      return { ok: false, code: "invalid", message: `"/${prefixText}" is not a valid prefix length for ${addr.kind() === "ipv4" ? "IPv4 (0–32)" : "IPv6 (0–128)"}.` };
    }
    prefix = Number(prefixText);
  }
  const network = networkOf(addr, prefix);
  const value = toCidr(network, prefix);
  if (network.toByteArray().join() !== addr.toByteArray().join()) {
    const tooWide = prefix < MAX_WIDTH[value.version];
    return {
      ok: false,
      code: "host_bits",
      message: tooWide
        ? `${input} has host bits set; the network it belongs to is ${value.cidr}, which is wider than /${MAX_WIDTH[value.version]} and would be refused too. Give the address itself, or ranges of at most /${MAX_WIDTH[value.version]}.`
        : `${input} has host bits set; the network it belongs to is ${value.cidr}.`,
    };
  }
  return { ok: true, value };
}

function ipv4Compatible(text: string, ipv4: string): { ok: false; code: string; message: string } {
  return {
    ok: false,
    code: "invalid",
    message: `"${text}" is an IPv4-compatible IPv6 address (::a.b.c.d), deprecated by RFC 4291 §2.5.5.1 and not used on the internet; give the IPv4 address ${ipv4} instead.`,
  };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  const p = Math.min(a.prefix, b.prefix);
  return networkOf(a.network, p).toByteArray().join() === networkOf(b.network, p).toByteArray().join();
}

/** The special-purpose range c lies in or overlaps, described: "is in the private (RFC 1918) range 10.0.0.0/8". */
export function specialRange(c: Cidr): string | null {
  const hit = SPECIAL.find((s) => overlaps(s.parsed, c));
  if (!hit) return null;
  return `${hit.parsed.prefix <= c.prefix ? "is in" : "overlaps"} the ${hit.label} range ${hit.parsed.cidr}${hit.note ? ` (${hit.note})` : ""}`;
}

/**
 * Judge a list of requested entries for an environment against its existing
 * entries: errors refuse an entry, warnings are shown to partner and officer.
 */
export function judgeEntries(inputs: string[], opts: { production: boolean; existing: { cidr: string; label?: string }[] }): JudgedEntry[] {
  const existing = opts.existing.flatMap((e) => {
    const p = parseCidr(e.cidr);
    return p.ok ? [{ ...p.value, label: e.label }] : [];
  });
  const seen: Cidr[] = [];
  return inputs.map((input) => {
    const p = parseCidr(input);
    if (!p.ok) return { input, cidr: null, version: null, issues: [{ severity: "error", code: p.code, message: p.message }] };
    const c = p.value;
    const issues: EntryIssue[] = [];
    if (c.prefix === 0) {
      issues.push({ severity: "error", code: "everything", message: `${c.cidr} would allow every ${c.version === 4 ? "IPv4" : "IPv6"} address.` });
    } else if (c.prefix < MAX_WIDTH[c.version]) {
      issues.push({
        severity: "error",
        code: "too_wide",
        message: `${c.cidr} is wider than /${MAX_WIDTH[c.version]}; ask for the ${c.version === 4 ? "IPv4" : "IPv6"} ranges you call from, at most /${MAX_WIDTH[c.version]} each.`,
      });
    }
    const special = specialRange(c);
    if (special) {
      issues.push(
        opts.production
          ? { severity: "error", code: "reserved", message: `${c.cidr} ${special}, which cannot reach a production gateway over the internet.` }
          : { severity: "warning", code: "reserved", message: `${c.cidr} ${special}; fine for a test network, refused in production.` },
      );
    }
    const dupe = existing.find((e) => e.cidr === c.cidr) ?? seen.find((e) => e.cidr === c.cidr);
    if (dupe) {
      issues.push({ severity: "error", code: "duplicate", message: `${c.cidr} is already ${existing.includes(dupe as never) ? "on the allowlist or requested" : "listed above"}.` });
    } else {
      const over = existing.find((e) => overlaps(e, c)) ?? seen.find((e) => overlaps(e, c));
      if (over) issues.push({ severity: "warning", code: "overlap", message: `${c.cidr} overlaps ${over.cidr}${"label" in over && over.label ? ` (${over.label})` : ""}.` });
    }
    seen.push(c);
    return { input, cidr: c.cidr, version: c.version, issues };
  });
}
