import { describe, expect, it } from "vitest";
import { nginxPathProblem, nginxQuote, serverBlock, shellQuote } from "./nginx";

describe("nginx configuration text", () => {
  it.each([
    ["/etc/nginx/keyport-ppr", `"/etc/nginx/keyport-ppr"`],
    ["/tmp/a b", `"/tmp/a b"`],
    [`/tmp/say "hi"`, `"/tmp/say \\"hi\\""`],
    ["/tmp/back\\slash", `"/tmp/back\\\\slash"`],
    ["/tmp/semi;colon {x} #y", `"/tmp/semi;colon {x} #y"`],
  ])("quotes %j as one nginx token", (p, quoted) => {
    expect(nginxQuote(p)).toBe(quoted);
  });

  it.each([
    ["relative/dir", {}, /not an absolute path/],
    ["/tmp/$host", {}, /variable/],
    ["/tmp/new\nline", {}, /control character/],
    ["/tmp/a[1]", { included: true }, /wildcard/],
    ["/tmp/a*", { included: true }, /wildcard/],
  ])("refuses %j", (p, opts, reason) => {
    expect(nginxPathProblem(p, opts)).toMatch(reason);
  });

  it("allows glob characters where nothing is included from the path", () => {
    expect(nginxPathProblem("/tmp/a[1]/server.crt")).toBeNull();
  });

  it.each([
    ["/etc/nginx/keyport-ppr", "/etc/nginx/keyport-ppr"],
    ["/tmp/a b", "'/tmp/a b'"],
    ["/tmp/it's", `'/tmp/it'\\''s'`],
  ])("shell-quotes %j", (s, quoted) => {
    expect(shellQuote(s)).toBe(quoted);
  });

  it("writes every path quoted, and upstream headers that replace the client's", () => {
    const text = serverBlock({ envCode: "PPR", dir: "/tmp/a b", listen: "8443", serverName: "_", serverCert: "/tls/my cert.crt", serverKey: "/tls/my key.pem", upstream: "http://127.0.0.1:8080" });
    expect(text).toContain(`ssl_certificate     "/tls/my cert.crt";`);
    expect(text).toContain(`ssl_crl                "/tmp/a b/crl.pem";`);
    expect(text).toContain(`include "/tmp/a b/allowlist.conf";`);
    expect(text).toContain(`alias "/tmp/a b/healthcheck.json";`);
    expect(text).toContain("proxy_set_header X-Client-Cert $ssl_client_escaped_cert;");
    expect(text).toContain("proxy_set_header X-Forwarded-Proto $scheme;");
    expect(text).not.toContain("$ssl_client_fingerprint");
  });
});
