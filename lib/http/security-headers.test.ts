// The header values proxy.ts, lib/api and next.config.mjs send (e2e/headers.spec.ts checks them
// on the running server), the role-area test that keeps the proxy's redirects where they were,
// and the body-size checks behind the 413.
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, HSTS_VALUE, contentSecurityPolicy, createNonce, strictTransportSecurity } from "@/lib/http/security-headers";
import { isRoleArea } from "@/lib/http/role-areas";
import { PAGE_BODY_LIMIT, declaredTooLarge, streamedTooLarge } from "@/lib/http/body-limit";

/** "script-src 'self' 'nonce-x'" → { "script-src": ["'self'", "'nonce-x'"] } */
function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

describe("Content-Security-Policy", () => {
  it("allows scripts only by this response's nonce (and what they load), nothing inline or from another origin", () => {
    const nonce = createNonce();
    const d = directives(contentSecurityPolicy({ nonce }));
    expect(d["script-src"]).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(d["style-src"]).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(d["default-src"]).toEqual(["'self'"]);
    expect(d["object-src"]).toEqual(["'none'"]);
    expect(d["base-uri"]).toEqual(["'none'"]);
    expect(d["form-action"]).toEqual(["'self'"]);
    expect(d["frame-ancestors"]).toEqual(["'none'"]);
    expect(d["upgrade-insecure-requests"]).toBeUndefined();
    const all = Object.values(d).flat();
    expect(all).not.toContain("'unsafe-inline'");
    expect(all).not.toContain("'unsafe-eval'");
    expect(all.filter((v) => /^(?:https?:|wss?:|\*)/.test(v))).toEqual([]);
  });

  it("adds eval and inline styles only for the development server, and upgrade-insecure-requests only over HTTPS", () => {
    const dev = directives(contentSecurityPolicy({ nonce: "n", dev: true }));
    expect(dev["script-src"]).toContain("'unsafe-eval'");
    expect(dev["script-src"]).not.toContain("'unsafe-inline'");
    expect(dev["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives(contentSecurityPolicy({ nonce: "n", https: true }))["upgrade-insecure-requests"]).toEqual([]);
  });

  it("makes a fresh 128-bit nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });
});

describe("Strict-Transport-Security", () => {
  it.each([
    ["https://keyport.example", HSTS_VALUE],
    ["https://keyport.example:8443/portal", HSTS_VALUE],
    ["http://keyport.example", null],
    ["https://localhost:3000", null],
    ["https://127.0.0.1", null],
    ["https://[::1]:3000", null],
    ["https://[", null],
    [undefined, null],
  ])("NEXTAUTH_URL=%s → %s", (url, expected) => {
    expect(strictTransportSecurity(url)).toBe(expected);
  });

  it("asks for two years on every subdomain", () => {
    expect(HSTS_VALUE).toBe("max-age=63072000; includeSubDomains");
  });
});

describe("next.config.mjs headers", async () => {
  // Loaded by path: the file is plain JavaScript without a declaration.
  const nextConfig = ((await import(path.join(process.cwd(), "next.config.mjs"))) as { default: NextConfig }).default;
  const headersFor = async (source: string) => {
    const rules = await nextConfig.headers!();
    return Object.fromEntries(rules.filter((r) => r.source === source).flatMap((r) => r.headers.map((h) => [h.key, h.value])));
  };

  it("keeps the old headers on every path and denies the browser features Keyport never uses", async () => {
    const all = await headersFor("/:path*");
    expect(all).toMatchObject({ "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin" });
    const policy = all["Permissions-Policy"].split(", ");
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "display-capture"]) {
      expect(policy, feature).toContain(`${feature}=()`);
    }
    expect(policy).toContain("clipboard-write=(self)"); // the copy buttons
  });

  it("gives API answers a CSP that loads and frames nothing, and no-store on next-auth's answers", async () => {
    expect((await headersFor("/api/:path*"))["Content-Security-Policy"]).toBe(API_CONTENT_SECURITY_POLICY);
    expect((await headersFor("/api/auth/:path*"))["Cache-Control"]).toBe("no-store");
  });

  it("lets the proxy see more than the page body limit of any body it must refuse", () => {
    const copied = Number(/^(\d+)mb$/.exec(String(nextConfig.experimental?.proxyClientMaxBodySize))![1]) * 1024 * 1024;
    // Next.js stops copying at the chunk that passes the size: one chunk (≤ 64 KiB) short of it.
    expect(copied - 64 * 1024).toBeGreaterThan(PAGE_BODY_LIMIT);
  });
});

describe("role areas (the proxy's sign-in redirects)", () => {
  it.each([
    ["/partner", true],
    ["/partner/", true],
    ["/partner/requests/new", true],
    ["/PARTNER/requests", true],
    ["/officer", true],
    ["/admin/profiles/x", true],
    ["/gateway", true],
    ["/partner.rsc", true],
    ["/partner.json", true],
    ["/_next/data/build-1/officer/audit.json", true],
    ["/partner.segments/requests.segment.rsc", true],
    ["/", false],
    ["/signin", false],
    ["/partners", false],
    ["/partner.txt", false],
    ["/ca/PPR-root.cer", false],
    ["/crl/PPR.crl", false],
    ["/x/partner", false],
  ])("%s → %s", (path, expected) => {
    expect(isRoleArea(path)).toBe(expected);
  });
});

describe("page body limit", () => {
  it.each([
    [null, false],
    ["0", false],
    [String(PAGE_BODY_LIMIT), false],
    [String(PAGE_BODY_LIMIT + 1), true],
    ["99999999999999999999", true],
    ["abc", false],
  ])("Content-Length %s → too large %s", (value, expected) => {
    expect(declaredTooLarge(value)).toBe(expected);
  });

  it("counts a chunked body without keeping it, and stops reading one chunk past the limit", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    expect(await streamedTooLarge(endless)).toBe(true);
    expect(pulled * 64 * 1024).toBeLessThanOrEqual(PAGE_BODY_LIMIT + 3 * 64 * 1024);

    const small = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(PAGE_BODY_LIMIT));
        controller.close();
      },
    });
    expect(await streamedTooLarge(small)).toBe(false);
    expect(await streamedTooLarge(null)).toBe(false);
  });
});
