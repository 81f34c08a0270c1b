import { describe, expect, it } from "vitest";
import { compilePattern, patternSyntaxError } from "./pattern";
import { validateProfile } from "./profile";

describe("profile patterns (RE2)", () => {
  it("match whole values, with JavaScript's meaning of \\s", () => {
    const cn = compilePattern("[^\\s]{1,64}");
    expect(cn.matches("acme-ppr-client")).toBe(true);
    expect(cn.matches("acme ppr")).toBe(false);
    expect(cn.matches("acme\u00a0ppr")).toBe(false); // no-break space
    expect(cn.matches("acme\u3000ppr")).toBe(false); // ideographic space
    expect(cn.matches("x".repeat(65))).toBe(false);
    expect(compilePattern("\\S+").matches("a\u2028b")).toBe(false);
    expect(compilePattern("TLSMA-(RSA|ECDSA)/acme/TSH/TSP\\.PPR").matches("TLSMA-RSA/acme/TSH/TSP.PPR")).toBe(true);
    expect(compilePattern("[A-Z]{2}").matches("NOR")).toBe(false);
    // The whole value, alternation included (as ^(?:a|ab)$ would).
    expect(compilePattern("a|ab").matches("ab")).toBe(true);
    expect(compilePattern("RSA|ECDSA").matches("RSAX")).toBe(false);
    expect(compilePattern("RSA|ECDSA").matches("xECDSA")).toBe(false);
    expect(compilePattern("\\p{Lu}{2}").matches("ÅØ")).toBe(true);
  });

  it("cannot be made to take exponential time by a partner's value", () => {
    const evil = compilePattern("(a+)+");
    const start = performance.now();
    expect(evil.matches(`${"a".repeat(64)}!`)).toBe(false);
    expect(compilePattern("([a-z]+\\.)+[a-z]+").matches(`${"a.".repeat(32)}!`)).toBe(false);
    // A backtracking engine needs ~2^64 steps here; RE2 needs linear time. Generous bound: not a timing test.
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it("refuse lookaround and backreferences with the reason, field by field in a profile", () => {
    expect(patternSyntaxError("(?=a)a")).toMatch(/RE2 syntax: no lookaround or backreferences/);
    expect(patternSyntaxError("(a)\\1")).toMatch(/RE2 syntax/);
    expect(patternSyntaxError("[a-")).toMatch(/missing closing \]/);
    const r = validateProfile({
      code: "p1",
      name: "P",
      environments: ["PPR"],
      subject: { CN: { required: true, pattern: "(?!admin).+" } },
      keys: ["ecdsa-p256"],
      signatureHashes: ["sha256"],
      san: "forbid",
      extendedKeyUsage: ["clientAuth"],
      validityDays: 365,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(JSON.stringify(r.errors)).toMatch(/subject\.CN\.pattern.*RE2/);
  });
});
