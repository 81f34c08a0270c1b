// Browser features no Keyport page uses, denied to the page and to anything it could embed
// (W3C Permissions Policy). Only feature names Chromium knows: an unknown one is a console warning.
// clipboard-write stays allowed for this origin (components/ui/copy-button.tsx).
const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "browsing-topics=()",
  "camera=()",
  "clipboard-read=()",
  "clipboard-write=(self)",
  "display-capture=()",
  "encrypted-media=()",
  "fullscreen=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "idle-detection=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "picture-in-picture=()",
  "screen-wake-lock=()",
  "serial=()",
  "usb=()",
  "xr-spatial-tracking=()",
].join(", ");

// Must match API_CONTENT_SECURITY_POLICY in lib/http/security-headers.ts (a test compares them).
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a 403 status.
  // The dev server's persistent Turbopack cache can be left stale when the demo is
  // stopped mid-compile, after which every page answers 500; the demo compiles fresh.
  experimental: {
    authInterrupts: true,
    turbopackFileSystemCacheForDev: false,
    // With a proxy, Next.js copies each request body it hands the proxy into memory, up to this
    // size (default 10 MB), and passes on only that much. proxy.ts refuses any body over the
    // 1 MiB server-action limit on the paths it runs on (pages and their route handlers, none of
    // which takes more), so 2 MiB bounds that copy and still lets the proxy see more than 1 MiB
    // of any body that is too large. /api is not behind the proxy and reads its own bodies.
    proxyClientMaxBodySize: "2mb",
  },
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "pg", "pg-boss", "pino", "pino-pretty", "prom-client", "argon2"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
        ],
      },
      // Pages get a per-request CSP with a nonce from proxy.ts; API answers are never documents.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      // Session, CSRF and sign-in answers are per user: no cache may keep them (next-auth marks
      // only some of them; a header the route sets itself wins over this one).
      { source: "/api/auth/:path*", headers: [{ key: "Cache-Control", value: "no-store" }] },
    ];
  },
};

export default nextConfig;
