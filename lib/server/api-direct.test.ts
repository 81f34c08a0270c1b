// The route table of the direct API (lib/server/api-direct.ts) against the route files Next.js
// serves; the answers themselves are compared with Next.js's in e2e/api-direct.spec.ts.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { negotiateEncoding, hasBadPercentEncoding, matchApiRoute, scanApiRoutes } from "./api-direct";

const routes = scanApiRoutes();

describe("the direct API's routes", () => {
  it("are every route file under app/api/v1 and the public file folders, with Next.js's templates", () => {
    const files = execFileSync("find", ["app/api/v1", "app/crl", "app/ca", "app/.well-known/jwks", "-name", "route.ts"], { encoding: "utf8" }).trim().split("\n");
    expect(routes.map((r) => r.file.slice(process.cwd().length + 1)).sort()).toEqual(files.sort());
    expect(routes.map((r) => r.template)).toEqual(expect.arrayContaining(["/api/v1/me", "/api/v1/certificates/[id]/download", "/api/v1/[...unknown]", "/crl/[file]", "/.well-known/jwks/[env]/[file]"]));
  });

  it("match as Next.js matches: static before a param, params decoded per segment, the catch-all left to Next.js", () => {
    const m = (p: string) => {
      const r = matchApiRoute(routes, p);
      return r && { template: r.route.template, params: r.params };
    };
    expect(m("/api/v1/me")).toEqual({ template: "/api/v1/me", params: {} });
    expect(m("/api/v1/certificates/abc/download")).toEqual({ template: "/api/v1/certificates/[id]/download", params: { id: "abc" } });
    expect(m("/api/v1/openapi.json")).toEqual({ template: "/api/v1/openapi.json", params: {} });
    expect(m("/api/v1/environments/PPR/ca")).toEqual({ template: "/api/v1/environments/[code]/ca", params: { code: "PPR" } });
    expect(m("/api/v1/certificates/a%2Fb")).toEqual({ template: "/api/v1/certificates/[id]", params: { id: "a/b" } });
    expect(m("/api/v1/certificates/caf%C3%A9")?.params).toEqual({ id: "café" });
    expect(m("/crl/PPR.crl")).toEqual({ template: "/crl/[file]", params: { file: "PPR.crl" } });
    expect(m("/.well-known/jwks/PPR")).toEqual({ template: "/.well-known/jwks/[env]", params: { env: "PPR" } });
    // Left to Next.js: unknown paths (its catch-all answers 404), paths it redirects or normalises.
    for (const p of ["/api/v1/nothing", "/api/v1/me/", "/api/v1//me", "/api/v1/./me", "/api/v1/certificates/../me", "/api/v1\\me", "/api/v1/certificates/%E0%A4%A", "/api/v2/me", "/api/v1", "/api/auth/session", "/crl", "/partner/certificates", "/crl/a/b", "/api/v1/provider-csrs/x/%6Bey", "/api/v1/users/%2e%2e/disable", "/api/v1/users/%2E/disable", "/crl/PPR.crl#x"]) {
      expect(m(p), p).toBeNull();
    }
  });

  it("negotiate Accept-Encoding as Next.js's compression does (gzip, deflate or as it is)", () => {
    const cases: [string | undefined, string | null][] = [
      ["gzip, deflate, br", "gzip"],
      ["br;q=1.0, gzip;q=0.5", "gzip"],
      ["x-gzip", "gzip"],
      ["*", "gzip"],
      ["*;q=0.5", "gzip"],
      ["deflate", "deflate"],
      ["gzip;q=0, *", "deflate"], // an explicit refusal beats the wildcard
      ["identity, gzip;q=0.1", null], // identity preferred
      ["identity;q=0.5, gzip;q=0.4", null],
      ["gzip;q=0", null],
      ["identity", null],
      ["br", null],
      [undefined, null],
    ];
    for (const [header, coding] of cases) expect(negotiateEncoding(header), String(header)).toBe(coding);
  });

  it("refuse a path whose percent-encoding does not decode (Next.js answers it with a 500)", () => {
    expect(hasBadPercentEncoding("/api/v1/certificates/%E0%A4%A")).toBe(true);
    expect(hasBadPercentEncoding("/partner/%zz?x=1")).toBe(true);
    expect(hasBadPercentEncoding("/api/v1/certificates/a%2Fb?q=%zz")).toBe(false); // the query is the handler's
    expect(hasBadPercentEncoding("/api/v1/me")).toBe(false);
  });
});
