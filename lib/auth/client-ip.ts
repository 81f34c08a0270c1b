// The client's address for the audit trail and the per-IP sign-in throttle.
//
// Next.js only sets x-forwarded-for when the request has none, so a client can write
// any address there. The server process therefore stamps every incoming request with
// the socket's peer address in PEER_HEADER (lib/server/keyport-server.ts → stampPeerAddress),
// replacing any copy a client sent. The stamp carries a per-process secret, so a request
// that reached the app without being stamped (a server we did not instrument) has no
// address rather than one its client wrote. That peer is the client, unless it is one of
// the reverse proxies named in KEYPORT_TRUSTED_PROXIES: then x-forwarded-for is walked from
// the right, past trusted proxies, to the first address no trusted proxy vouches for.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";

export const PEER_HEADER = "x-keyport-peer";

// On globalThis: Next.js loads this module in its own bundles beside server.ts's copy.
const shared = globalThis as { __keyportPeerSeal?: string };
const seal = () => (shared.__keyportPeerSeal ??= randomBytes(16).toString("hex"));

/** PEER_HEADER's value for a peer address, sealed with this process's secret. */
export function peerHeaderValue(address: string): string {
  return `${seal()} ${address}`;
}

/** Overwrite PEER_HEADER with the socket's remote address (called for every HTTP(S) request). */
export function stampPeerAddress(req: IncomingMessage): void {
  const peer = req.socket?.remoteAddress;
  if (peer) req.headers[PEER_HEADER] = peerHeaderValue(peer);
  else delete req.headers[PEER_HEADER];
}

/** The address in a PEER_HEADER value, or null when this process did not seal it. */
function unsealPeer(value: string | null | undefined): string | null {
  if (!value) return null;
  const space = value.indexOf(" ");
  return space > 0 && value.slice(0, space) === seal() ? value.slice(space + 1) : null;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
let cached: { spec: string; ranges: Range[] } | undefined;

/** KEYPORT_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of the reverse proxies in front of Keyport. */
export function trustedProxies(spec = process.env.KEYPORT_TRUSTED_PROXIES ?? ""): Range[] {
  if (cached?.spec === spec) return cached.ranges;
  const ranges: Range[] = [];
  for (const item of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    try {
      ranges.push(item.includes("/") ? ipaddr.parseCIDR(item) : ((a) => [a, a.kind() === "ipv4" ? 32 : 128] as Range)(ipaddr.parse(item)));
    } catch {
      throw new Error(`KEYPORT_TRUSTED_PROXIES: "${item}" is not an IP address or CIDR range.`);
    }
  }
  cached = { spec, ranges };
  return ranges;
}

function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const a = ipaddr.parse(ip.trim());
    return a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
  } catch {
    return null;
  }
}

function isTrusted(a: ipaddr.IPv4 | ipaddr.IPv6, ranges: Range[]): boolean {
  return ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));
}

/**
 * The client's address: the socket peer, or — when the peer is a trusted proxy — the
 * nearest address in x-forwarded-for that is not a trusted proxy. Null when this process did
 * not stamp the request (it was not received through an instrumented server).
 */
export function clientIpFrom(get: (name: string) => string | null | undefined, ranges: Range[] = trustedProxies()): string | null {
  const peerText = unsealPeer(get(PEER_HEADER));
  let current = peerText ? parse(peerText) : null;
  if (!current) return null;
  if (ranges.length) {
    const hops = (get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    while (isTrusted(current, ranges) && hops.length) {
      const next = parse(hops.pop()!);
      if (!next) break;
      current = next;
    }
  }
  return current.toString();
}
