// IP addresses for the subjectAltName iPAddress form (RFC 5280 §4.2.1.6): 4 octets for
// IPv4, 16 for IPv6, network byte order. lib/pki imports nothing from lib/net, hence this copy.
import { PkiError } from "./errors";

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    // Leading zeros are rejected: "010" means 8 to some parsers and 10 to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(parts[i])) return null;
    const v = Number(parts[i]);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const words: number[] = [];
  const all = [...head, ...tail];
  let ipv4Tail: Uint8Array | null = null;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes(".")) {
    ipv4Tail = parseIpv4(last);
    if (!ipv4Tail) return null;
    if (tail.length) tail.pop();
    else head.pop();
  }
  const toWords = (list: string[]) => {
    const out: number[] = [];
    for (const g of list) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const headWords = toWords(head);
  const tailWords = toWords(tail);
  if (!headWords || !tailWords) return null;
  const wanted = ipv4Tail ? 6 : 8;
  const present = headWords.length + tailWords.length;
  if (halves.length === 2) {
    if (present >= wanted) return null; // "::" stands for at least one zero group
    words.push(...headWords, ...new Array<number>(wanted - present).fill(0), ...tailWords);
  } else {
    if (present !== wanted) return null;
    words.push(...headWords);
  }
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  if (ipv4Tail) out.set(ipv4Tail, 12);
  return out;
}

/** Parses a textual IPv4 or IPv6 address (no brackets, zone or prefix length) into 4 or 16 octets. */
export function parseIpAddress(text: string): Uint8Array {
  const bytes = text.includes(":") ? parseIpv6(text) : parseIpv4(text);
  if (!bytes) throw new PkiError("invalid_input", `Not an IPv4 or IPv6 address: ${JSON.stringify(text)}`);
  return bytes;
}

/** Text form of 4 or 16 octets (IPv6 per RFC 5952: lower case, longest zero run compressed). */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length !== 16) return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const words = Array.from({ length: 8 }, (_, i) => (bytes[i * 2] << 8) | bytes[i * 2 + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}
