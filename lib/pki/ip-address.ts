// The one IP codec of lib/pki, for the subjectAltName iPAddress form (RFC 5280 §4.2.1.6: 4 octets
// for IPv4, 16 for IPv6, network byte order), on ipaddr.js (pure, runs in the browser).
// Text out follows RFC 5952: lower case, no leading zeros, the longest run of two or more zero
// groups as "::" (§4.2), IPv4-mapped addresses as ::ffff:a.b.c.d (§5).
import ipaddr from "ipaddr.js";
import { PkiError } from "./cert/errors";

/** 4 or 16 octets of a textual address, or null. No brackets, zone, prefix length, or IPv4 parts with leading zeros ("010" is 8 to some parsers, 10 to others). */
export function ipAddressBytes(text: string): Uint8Array | null {
  if (text.includes(":")) {
    // ipaddr.js accepts a zone id ("fe80::1%eth0"), which has no place in a certificate.
    if (text.includes("%") || !ipaddr.IPv6.isValid(text)) return null;
    // Dotted IPv4 tail: held to the same rule as a bare IPv4 address.
    const tail = text.includes(".") ? text.slice(text.lastIndexOf(":") + 1) : null;
    if (tail !== null && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return null;
    return Uint8Array.from(ipaddr.IPv6.parse(text).toByteArray());
  }
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? Uint8Array.from(ipaddr.IPv4.parse(text).toByteArray()) : null;
}

/** Parses a textual IPv4 or IPv6 address into 4 or 16 octets; throws PkiError otherwise. */
export function parseIpAddress(text: string): Uint8Array {
  const bytes = ipAddressBytes(text);
  if (!bytes) throw new PkiError("invalid_input", `Not an IPv4 or IPv6 address: ${JSON.stringify(text)}`);
  return bytes;
}

/** RFC 5952 text of 4 or 16 octets; null for any other length. */
export function formatIpAddress(bytes: Uint8Array): string | null {
  if (bytes.length !== 4 && bytes.length !== 16) return null;
  const address = ipaddr.fromByteArray(Array.from(bytes));
  if (address.kind() === "ipv4") return address.toString();
  const v6 = address as ipaddr.IPv6;
  return v6.isIPv4MappedAddress() ? `::ffff:${v6.toIPv4Address().toString()}` : v6.toRFC5952String();
}
