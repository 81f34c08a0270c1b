import { describe, expect, it } from "vitest";
import { judgeEntries, parseCidr } from "./cidr";

describe("parseCidr", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7/32"],
    [" 198.51.100.0/24 ", "198.51.100.0/24"],
    ["2001:DB8:0:0::1", "2001:db8::1/128"],
    ["2001:db8:abcd::/48", "2001:db8:abcd::/48"],
  ])("%j → %s", (input, cidr) => {
    const r = parseCidr(input);
    expect(r.ok && r.value.cidr).toBe(cidr);
  });

  it.each([
    ["192.0.2.1/24", "host_bits", /network it belongs to is 192\.0\.2\.0\/24/],
    ["2001:db8::1/48", "host_bits", /2001:db8::\/48/],
    // The network it names would itself be too wide: say so rather than suggest a refused range.
    ["1.1.1.0/23", "host_bits", /1\.1\.0\.0\/23, which is wider than \/24 and would be refused too/],
    ["10.0.0.256", "invalid", /not an IPv4 or IPv6/],
    ["10.1", "invalid", /not an IPv4/],
    ["010.0.0.1", "invalid", /leading zero/],
    ["1.2.3.4/33", "invalid", /prefix length/],
    ["fe80::1%eth0", "invalid", /zone/],
    ["::ffff:1.2.3.4", "invalid", /IPv4-mapped IPv6 address \(RFC 4291 §2\.5\.5\.2\); give the IPv4 address 1\.2\.3\.4/],
    // IPv4-compatible (::a.b.c.d) is not IPv4-mapped (::ffff:a.b.c.d), whatever ipaddr.js makes of it.
    ["::1.2.3.4", "invalid", /^"::1\.2\.3\.4" is an IPv4-compatible IPv6 address \(::a\.b\.c\.d\), deprecated by RFC 4291 §2\.5\.5\.1.*give the IPv4 address 1\.2\.3\.4 instead\.$/],
    ["::102:304", "invalid", /IPv4-compatible.*give the IPv4 address 1\.2\.3\.4/],
    ["::198.51.100.0/120", "invalid", /IPv4-compatible.*198\.51\.100\.0/],
    ["hello", "invalid", /not an IPv4/],
  ])("refuses %j (%s)", (input, code, message) => {
    const r = parseCidr(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toMatch(message);
    }
  });
});

describe("judgeEntries", () => {
  const errors = (j: ReturnType<typeof judgeEntries>[number]) => j.issues.filter((i) => i.severity === "error").map((i) => i.code);
  const warnings = (j: ReturnType<typeof judgeEntries>[number]) => j.issues.filter((i) => i.severity === "warning").map((i) => i.code);

  it("refuses everything-ranges and ranges wider than /24 and /48", () => {
    const [a, b, c, d, e] = judgeEntries(["0.0.0.0/0", "::/0", "8.8.0.0/16", "2a00:1450::/32", "8.8.8.0/24"], { production: false, existing: [] });
    expect(errors(a)).toContain("everything");
    expect(errors(b)).toContain("everything");
    expect(errors(c)).toEqual(["too_wide"]);
    expect(errors(d)).toEqual(["too_wide"]);
    expect(errors(e)).toEqual([]);
  });

  it.each(["10.1.2.3", "127.0.0.1", "169.254.1.1", "100.64.1.1", "224.0.0.1", "192.0.2.10", "240.0.0.1", "::1", "fe80::1", "fd00::1", "2001:db8::1", "ff02::1"])(
    "refuses reserved %s in production and warns elsewhere",
    (ip) => {
      expect(errors(judgeEntries([ip], { production: true, existing: [] })[0])).toEqual(["reserved"]);
      const nonProd = judgeEntries([ip], { production: false, existing: [] })[0];
      expect(errors(nonProd)).toEqual([]);
      expect(warnings(nonProd)).toEqual(["reserved"]);
    },
  );

  it.each([
    ["4000::1", "4000::/3"],
    ["::2", "::/8"],
    ["1::1", "::/8"],
    ["100:1::1", "100::/8"],
    ["8000::1", "8000::/3"],
    ["c000::/48", "c000::/3"],
    ["e000::1", "e000::/4"],
    ["fe00::1", "fe00::/9"],
  ])("refuses %s outside 2000::/3 (IETF-reserved %s) in production and warns elsewhere", (ip, block) => {
    const prod = judgeEntries([ip], { production: true, existing: [] })[0];
    expect(errors(prod)).toEqual(["reserved"]);
    expect(prod.issues[0].message).toContain(`is in the IETF-reserved range ${block} (only 2000::/3 is global unicast, IANA IPv6 Address Space registry)`);
    const nonProd = judgeEntries([ip], { production: false, existing: [] })[0];
    expect([errors(nonProd), warnings(nonProd)]).toEqual([[], ["reserved"]]);
  });

  it("keeps the specific name where a special-purpose range lies outside 2000::/3", () => {
    const [loopback, ula, translation] = judgeEntries(["::1", "fd12:3456::/48", "64:ff9b::1.2.3.4"], { production: true, existing: [] });
    expect(loopback.issues[0].message).toContain("loopback (RFC 4291) range ::1/128");
    expect(ula.issues[0].message).toContain("unique local (RFC 4193) range fc00::/7");
    expect(translation.issues[0].message).toContain("IPv4/IPv6 translation (RFC 6052) range 64:ff9b::/96");
  });

  it("names the special-purpose range in plain words", () => {
    const [inside, covering] = judgeEntries(["10.1.2.0/24", "0.0.0.0/0"], { production: true, existing: [] });
    expect(inside.issues.find((i) => i.code === "reserved")?.message).toBe(
      "10.1.2.0/24 is in the private (RFC 1918) range 10.0.0.0/8, which cannot reach a production gateway over the internet.",
    );
    expect(covering.issues.find((i) => i.code === "reserved")?.message).toMatch(/^0\.0\.0\.0\/0 overlaps the "this network" \(RFC 791\) range 0\.0\.0\.0\/8/);
  });

  it("flags duplicates (error) and overlaps (warning) against existing entries and within the request", () => {
    const existing = [{ cidr: "8.8.8.0/24", label: "approved" }];
    const [dup, over, same1, same2] = judgeEntries(["8.8.8.0/24", "8.8.8.8", "9.9.9.9", "9.9.9.9/32"], { production: true, existing });
    expect(errors(dup)).toEqual(["duplicate"]);
    expect(warnings(over)).toEqual(["overlap"]);
    expect(over.issues[0].message).toMatch(/overlaps 8\.8\.8\.0\/24 \(approved\)/);
    expect(errors(same1)).toEqual([]);
    expect(errors(same2)).toEqual(["duplicate"]);
  });

  it("accepts public addresses in production", () => {
    const [a, b, c, d] = judgeEntries(["8.8.8.8", "2a00:1450:4001::/48", "2001:4860:4860::8888", "3ffe:ffff::1"], { production: true, existing: [] });
    expect(a.issues).toEqual([]);
    expect(b.issues).toEqual([]);
    expect(c.issues).toEqual([]);
    expect(d.issues).toEqual([]);
  });
});
