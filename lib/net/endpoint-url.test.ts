// Callback and ingress base URLs: every rule refuses with its own message; good URLs re-serialise.
import { describe, expect, it } from "vitest";
import { checkEndpointUrl } from "./endpoint-url";

const errorOf = (url: string, strict = true) => checkEndpointUrl(url, { strict }).issues.find((i) => i.severity === "error");

describe("checkEndpointUrl", () => {
  it.each([
    ["", "empty", /Give an https URL/],
    ["not a url", "whitespace", /space or control/],
    ["api.partner.example.eu/cb", "invalid", /not a URL/],
    ["http://api.partner.eu/cb", "not_https", /Only https/],
    ["ftp://api.partner.eu/", "not_https", /Only https/],
    ["https://user:pw@api.partner.eu/cb", "userinfo", /user name or password/],
    ["https://user@api.partner.eu/cb", "userinfo", /user name or password/],
    ["https://api.partner.eu/cb?x=1", "query", /query/],
    ["https://api.partner.eu/cb?", "query", /query/],
    ["https://api.partner.eu/cb#top", "fragment", /fragment/],
    ["https://api.partner.eu/cb#", "fragment", /fragment/],
    ["https://api.partner.eu:99999/", "invalid", /not a URL/],
    ["https://api.partner.eu./cb", "trailing_dot", /trailing dot/],
    ["https://api_partner.eu/", "host", /not a DNS host name/],
    ["https://127.0.0.1:8443/cb", "reserved_host", /loopback/],
    ["https://0x7f.1/cb", "reserved_host", /127\.0\.0\.1 is in the loopback/],
    ["https://2130706433/", "reserved_host", /loopback/],
    ["https://[::1]/", "reserved_host", /loopback/],
    ["https://10.1.2.3/", "reserved_host", /private \(RFC 1918\)/],
    ["https://172.16.0.1/", "reserved_host", /private \(RFC 1918\)/],
    ["https://192.168.1.1/", "reserved_host", /private \(RFC 1918\)/],
    ["https://[fd00::1]/", "reserved_host", /unique local/],
    ["https://169.254.0.1/", "reserved_host", /link-local/],
    ["https://[fe80::1]/", "reserved_host", /link-local/],
    ["https://192.0.2.10/", "reserved_host", /documentation, TEST-NET-1/],
    ["https://198.51.100.10/", "reserved_host", /TEST-NET-2/],
    ["https://203.0.113.10/", "reserved_host", /TEST-NET-3/],
    ["https://[2001:db8::1]/", "reserved_host", /documentation \(RFC 3849\)/],
    ["https://[::ffff:10.0.0.1]/", "reserved_host", /private/],
    ["https://localhost:8443/", "reserved_host", /loopback name/],
    ["https://api.localhost/", "reserved_host", /loopback name/],
    ["https://printer.local/", "reserved_host", /multicast DNS/],
    ["https://api.example.com/", "reserved_host", /documentation name/],
    ["https://intranet/", "reserved_host", /single-label/],
  ])("refuses %j in production (%s)", (url, code, message) => {
    const e = errorOf(url);
    expect(e?.code).toBe(code);
    expect(e?.message).toMatch(message);
  });

  it("accepts private and loopback hosts outside production, with a warning", () => {
    const c = checkEndpointUrl("https://127.0.0.1:8443/cb", { strict: false });
    expect(c.issues).toEqual([expect.objectContaining({ severity: "warning", code: "reserved_host" })]);
    expect(c.url).toBe("https://127.0.0.1:8443/cb");
  });

  it.each([
    ["https://API.Partner.EU:443/Callbacks/", "https://api.partner.eu/Callbacks", 443, "/Callbacks"],
    ["https://api.partner.eu", "https://api.partner.eu", 443, "/"],
    ["https://api.partner.eu:8443/a/./b/../c", "https://api.partner.eu:8443/a/c", 8443, "/a/c"],
    ["https://bücher.de/cb", "https://xn--bcher-kva.de/cb", 443, "/cb"],
    ["https://[2a00:1450:4001:0:0:0:0:200e]:9443/x", "https://[2a00:1450:4001::200e]:9443/x", 9443, "/x"],
  ])("re-serialises %j as %j", (input, url, port, path) => {
    const c = checkEndpointUrl(input, { strict: true });
    expect(c.issues).toEqual([]);
    expect(c).toMatchObject({ url, port, path });
  });
});
