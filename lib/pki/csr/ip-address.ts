// Canonical text for the iPAddress GeneralName (RFC 5280 §4.2.1.6: 4 octets for IPv4,
// 16 for IPv6, network byte order). IPv6 follows RFC 5952 §4: lower case, no leading
// zeros, the longest run (first on a tie) of two or more zero groups as "::", and
// IPv4-mapped addresses as ::ffff:a.b.c.d (§5).

export function formatIpAddress(b: Uint8Array): string | null {
  if (b.length === 4) return Array.from(b).join(".");
  if (b.length !== 16) return null;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${Array.from(b.subarray(12)).join(".")}`;

  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed (RFC 5952 §4.2.2)
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}
