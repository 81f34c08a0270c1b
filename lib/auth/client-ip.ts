/**
 * The client's address as seen by the nearest proxy. Next.js sets
 * x-forwarded-for from the socket when no proxy sent one; behind a reverse
 * proxy the last entry is the one that proxy appended.
 */
export function clientIpFrom(get: (name: string) => string | null | undefined): string | null {
  const xff = get("x-forwarded-for");
  if (xff) {
    const parts = xff.split(",").map((s) => s.trim()).filter(Boolean);
    if (parts.length) return normaliseIp(parts[parts.length - 1]);
  }
  const real = get("x-real-ip");
  return real ? normaliseIp(real.trim()) : null;
}

function normaliseIp(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}
