import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { PEER_HEADER, clientIpFrom, peerHeaderValue, stampPeerAddress, trustedProxies } from "./client-ip";

const headers = (h: Record<string, string>) => (name: string) => h[name] ?? null;

describe("client IP", () => {
  it("is the socket's peer; a client's X-Forwarded-For, X-Real-IP or own peer header count for nothing", () => {
    const req = { socket: { remoteAddress: "::ffff:198.51.100.7" }, headers: { [PEER_HEADER]: "203.0.113.1", "x-forwarded-for": "203.0.113.2" } } as unknown as IncomingMessage;
    stampPeerAddress(req);
    expect(clientIpFrom(headers(req.headers as Record<string, string>), [])).toBe("198.51.100.7");
    expect(clientIpFrom(headers({ "x-forwarded-for": "203.0.113.2", "x-real-ip": "203.0.113.3" }), [])).toBeNull();
    expect(clientIpFrom(headers({ [PEER_HEADER]: peerHeaderValue("2001:db8::1") }), [])).toBe("2001:db8::1");
    // A request this process did not stamp has no address, whatever its client wrote there.
    expect(clientIpFrom(headers({ [PEER_HEADER]: "2001:db8::1" }), [])).toBeNull();
    expect(clientIpFrom(headers({ [PEER_HEADER]: `${"0".repeat(32)} 2001:db8::1` }), [])).toBeNull();
  });

  it("walks X-Forwarded-For from the right past trusted proxies only", () => {
    const proxies = trustedProxies("10.0.0.0/8, 127.0.0.1");
    // nginx (10.0.0.5) in front; the client said it was 6.6.6.6, nginx appended the real 198.51.100.9.
    expect(clientIpFrom(headers({ [PEER_HEADER]: peerHeaderValue("10.0.0.5"), "x-forwarded-for": "6.6.6.6, 198.51.100.9" }), proxies)).toBe("198.51.100.9");
    // Two trusted hops.
    expect(clientIpFrom(headers({ [PEER_HEADER]: peerHeaderValue("127.0.0.1"), "x-forwarded-for": "6.6.6.6, 198.51.100.9, 10.1.2.3" }), proxies)).toBe("198.51.100.9");
    // A peer that is not a trusted proxy is the client, whatever it forwards.
    expect(clientIpFrom(headers({ [PEER_HEADER]: peerHeaderValue("192.0.2.50"), "x-forwarded-for": "6.6.6.6" }), proxies)).toBe("192.0.2.50");
    // Garbage in the header stops the walk at the last trusted hop.
    expect(clientIpFrom(headers({ [PEER_HEADER]: peerHeaderValue("10.0.0.5"), "x-forwarded-for": "not-an-ip" }), proxies)).toBe("10.0.0.5");
  });

  it("refuses a malformed KEYPORT_TRUSTED_PROXIES with the item at fault", () => {
    expect(() => trustedProxies("10.0.0.0/8, nginx.internal")).toThrow(/"nginx.internal" is not an IP address or CIDR range/);
  });
});
