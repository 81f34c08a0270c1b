// The subjectAltName entries issuance will write (RFC 5280 §4.2.1.6), validated by one function
// that both the "san" check (lib/policy, browser and server) and issuance call, so a CSR that
// passes its checks is never refused at signing for its SANs, and the reason is worded the same.
import { PkiError } from "./errors";
import { formatIpAddress, ipAddressBytes, parseIpAddress } from "../ip-address";

const LDH = /^[a-z0-9-]+$/i;

/** Why `name` is not a DNS name in preferred name syntax (RFC 1034 §3.5, RFC 5280 §4.2.1.6), with an optional leftmost "*" label; null when it is. */
function dnsNameReason(name: string): string | null {
  if (name.length === 0) return "it is empty";
  if (name.endsWith(".")) return "a trailing dot is not allowed in certificates: write the name without it";
  if (name.length > 253) return `it has ${name.length} characters; at most 253 are allowed`;
  const labels = name.split(".");
  if (labels.some((l) => l === "")) return "it has an empty label (two dots in a row, or a leading dot)";
  if (labels[0] === "*") {
    if (labels.length < 3) return "a wildcard needs at least two labels after it (*.example.com, not *.com)";
  } else if (labels[0].includes("*")) {
    return "a wildcard must be the whole leftmost label (*.example.com)";
  }
  for (const label of labels.slice(labels[0] === "*" ? 1 : 0)) {
    if (label.includes("*")) return "a wildcard is allowed only as the leftmost label";
    if (/[^\x21-\x7e]/.test(label)) {
      return /[^\x00-\x7f]/.test(label)
        ? "it has non-ASCII characters: use the punycode A-label form (xn--…) for internationalised names"
        : "it contains a space or a control character";
    }
    if (!LDH.test(label)) {
      const bad = [...new Set(label.replace(/[a-z0-9-]/gi, ""))].map((c) => JSON.stringify(c)).join(", ");
      return `only letters, digits and hyphens are allowed in a label (RFC 1034 §3.5), not ${bad}`;
    }
    if (label.length > 63) return `the label "${label.slice(0, 20)}…" has ${label.length} characters; at most 63 are allowed`;
    if (label.startsWith("-") || label.endsWith("-")) return `the label "${label}" starts or ends with a hyphen`;
  }
  return null;
}

/** The message issuance fails with for this DNS name, or null when it is acceptable. */
export function dnsNameProblem(name: string): string | null {
  const reason = dnsNameReason(name);
  return reason === null ? null : `Not a valid DNS name for a certificate: ${JSON.stringify(name)} (${reason}).`;
}

export function assertDnsName(name: string): void {
  const problem = dnsNameProblem(name);
  if (problem) throw new PkiError("invalid_input", problem);
}

/** The message issuance fails with for this IP address text, or null when it is acceptable. */
export function ipAddressProblem(text: string): string | null {
  try {
    parseIpAddress(text);
    return null;
  } catch (e) {
    if (e instanceof PkiError) return `${e.message}.`;
    throw e;
  }
}

/** For a DNS or IP SAN: what issuance would refuse about it, or null. */
export function subjectAltNameProblem(san: { type: string; value: string }): string | null {
  if (san.type === "dns") return dnsNameProblem(san.value);
  if (san.type === "ip") return ipAddressProblem(san.value);
  return null;
}

/** DNS names and IP addresses as text, the shape issuance takes (lib/pki/cert/extensions.ts SubjectAltNames). */
export type SanLists = { dns: string[]; ip: string[] };

/**
 * SANs as a partner typed them, normalised for storage and comparison: DNS names trimmed and in
 * lower case (RFC 4343: DNS names compare case-insensitively), IP addresses in RFC 5952 text when
 * they parse (otherwise as typed, so the san.entered check can name them), duplicates dropped.
 */
export function normaliseSanLists(sans: { dns?: readonly string[]; ip?: readonly string[] }): SanLists {
  const dns = [...new Set((sans.dns ?? []).map((d) => d.trim().toLowerCase()).filter(Boolean))];
  const ip = [
    ...new Set(
      (sans.ip ?? [])
        .map((a) => a.trim())
        .filter(Boolean)
        .map((a) => {
          const bytes = ipAddressBytes(a);
          return (bytes && formatIpAddress(bytes)) || a;
        }),
    ),
  ];
  return { dns, ip };
}

/** Two SAN lists as one, without repeats (the CSR's first). */
export function mergeSanLists(a: SanLists, b: SanLists): SanLists {
  return { dns: [...new Set([...a.dns, ...b.dns])], ip: [...new Set([...a.ip, ...b.ip])] };
}
