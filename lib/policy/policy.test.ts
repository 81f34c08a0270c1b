import { describe, expect, it } from "vitest";
import { DEFAULT_PROFILE, KEY_TYPES, type Profile, validateProfile } from "./profile";
import { MAX_RSA_MODULUS_BITS } from "@/lib/pki/key/rsa-limits";
import { type Check, type CsrFacts, accepted, keyReuseCheck, runCsrChecks } from "./checks";

const ctx = { orgCode: "acme", orgName: "Acme Payments AS", envCode: "PPR" };

function facts(over: Partial<CsrFacts> & { cn?: string; extra?: { name: string; value: string }[] } = {}): CsrFacts {
  const subject = [...(over.cn === undefined ? [{ name: "CN", value: "acme-client" }] : over.cn === "" ? [] : [{ name: "CN", value: over.cn }]), ...(over.extra ?? [])];
  return {
    subject,
    subjectRdns: subject.map((a) => [a]),
    sans: [],
    key: { type: "ec", curve: "P-256", label: "ECDSA P-256" },
    signature: { name: "ecdsa-with-SHA256", hash: "sha256", scheme: "ecdsa" },
    signatureValid: true,
    ...over,
  };
}

const byCode = (checks: Check[], code: string) => checks.find((c) => c.code === code);

describe("default profile mtls-client", () => {
  it("accepts an ECDSA P-256 CSR with a plain CN", () => {
    const checks = runCsrChecks(facts(), DEFAULT_PROFILE, ctx);
    expect(accepted(checks)).toBe(true);
    expect(checks.map((c) => c.code)).toEqual(["csr.signature", "key.type", "key.quality", "signature.hash", "subject.CN", "subject.C", "subject.characters", "san"]);
  });

  it.each([
    [{ cn: "acme-ppr\u0000evil" }, /CN "acme-ppr\\u0000evil" holds the control character U\+0000 \(NUL\)/],
    [{ cn: "acme-ppr\u001b[2Jevil" }, /U\+001B \(escape\)/],
    [{ cn: "acme-ppr\u0085" }, /U\+0085 \(next line\)/],
    [{ cn: "acme-ppr", extra: [{ name: "O", value: "Acme\tPayments" }] }, /O "Acme\\u0009Payments" holds the control character U\+0009 \(tab\)/],
    [{ cn: "acme-\u202eppr" }, /bidirectional control U\+202E/],
    [{ sans: [{ type: "dns", value: "acme.example\u0000.evil.example" }] }, /DNS SAN "acme\.example\\u0000\.evil\.example" holds the control character U\+0000/],
  ] as [Partial<CsrFacts> & { cn?: string; extra?: { name: string; value: string }[] }, RegExp][])(
    "fails subject.characters for a control character in any subject value or SAN (every profile): %j",
    (over, message) => {
      const checks = runCsrChecks(facts(over), { ...DEFAULT_PROFILE, san: "copy" }, ctx);
      const c = byCode(checks, "subject.characters")!;
      expect(c.result).toBe("fail");
      expect(c.message).toMatch(message);
      expect(accepted(checks)).toBe(false);
    },
  );

  it("fails subject.characters for an unpaired surrogate, and no message it writes holds one (the checks are stored as jsonb)", () => {
    const checks = runCsrChecks(facts({ cn: "acme-\ud800ppr" }), DEFAULT_PROFILE, ctx);
    const c = byCode(checks, "subject.characters")!;
    expect(c.result).toBe("fail");
    expect(c.message).toMatch(/^CN "acme-\\ud800ppr" holds an unpaired UTF-16 surrogate \(U\+D800\), which is not a character/);
    expect(checks.filter((x) => /[\ud800-\udfff]/.test(x.message)).map((x) => x.code)).toEqual([]);
    // An emoji (a surrogate pair) is a character like any other.
    expect(byCode(runCsrChecks(facts({ cn: "acme", extra: [{ name: "OU", value: "Betaling 💳" }] }), DEFAULT_PROFILE, ctx), "subject.characters")!.result).toBe("pass");
  });

  it("warns about leading or trailing whitespace in a value; passes a clean subject", () => {
    const padded = byCode(runCsrChecks(facts({ cn: "acme-client", extra: [{ name: "O", value: " Acme Payments AS\u00a0" }] }), DEFAULT_PROFILE, ctx), "subject.characters")!;
    expect(padded.result).toBe("warn");
    expect(padded.message).toMatch(/^O " Acme Payments AS\u00a0" has leading or trailing whitespace/);
    expect(byCode(runCsrChecks(facts({ cn: "acme-client", extra: [{ name: "O", value: "Acme Payments AS" }] }), DEFAULT_PROFILE, ctx), "subject.characters")!.result).toBe("pass");
  });

  it.each([
    [{ type: "rsa", bits: 1024, exponent: 65537, label: "RSA 1024" }, /Found RSA 1024; allowed: RSA 2048, RSA 3072, RSA 4096, ECDSA P-256, ECDSA P-384/],
    [{ type: "dsa", bits: 2048, label: "DSA 2048" }, /Found DSA 2048/],
    [{ type: "ed25519", label: "Ed25519" }, /Found Ed25519/],
    [{ type: "ec", curve: "P-521", label: "ECDSA P-521" }, /Found ECDSA P-521/],
    [{ type: "ec", curve: "secp256k1", label: "ECDSA secp256k1" }, /Found ECDSA secp256k1/],
  ])("refuses key %j naming what was found and what is allowed", (key, message) => {
    const c = byCode(runCsrChecks(facts({ key }), DEFAULT_PROFILE, ctx), "key.type")!;
    expect(c.result).toBe("fail");
    expect(c.message).toMatch(message);
  });

  it("refuses an RSA exponent other than the profile's as key.quality (65537 by default)", () => {
    const key = { type: "rsa", bits: 2048, exponent: 3, label: "RSA 2048" };
    const c = byCode(runCsrChecks(facts({ key }), DEFAULT_PROFILE, ctx), "key.quality")!;
    expect(c.result).toBe("fail");
    expect(c.message).toMatch(/the public exponent is 3; this profile requires 65537/);
    expect(byCode(runCsrChecks(facts({ key }), DEFAULT_PROFILE, ctx), "key.type")!.result).toBe("pass");
    const custom = { ...DEFAULT_PROFILE, rsaExponent: 65539 };
    expect(byCode(runCsrChecks(facts({ key: { ...key, exponent: 65539 } }), custom, ctx), "key.quality")!.result).toBe("pass");
  });

  it.each([
    ["rsa", 2048],
    ["rsa", 3072],
    ["rsa", 4096],
  ])("accepts %s %d with exponent 65537", (type, bits) => {
    const c = byCode(runCsrChecks(facts({ key: { type, bits, exponent: 65537, label: `RSA ${bits}` } }), DEFAULT_PROFILE, ctx), "key.type")!;
    expect(c.result).toBe("pass");
  });

  it.each([
    ["sha1", "sha1WithRSAEncryption", /SHA-1/],
    ["md5", "md5WithRSAEncryption", /MD5/],
  ])("refuses %s signatures", (hash, name, message) => {
    const c = byCode(runCsrChecks(facts({ signature: { name, hash, scheme: "rsa-pkcs1" } }), DEFAULT_PROFILE, ctx), "signature.hash")!;
    expect(c.result).toBe("fail");
    expect(c.message).toMatch(message);
  });

  it.each([
    ["", /required in the subject but missing/],
    ["has space", /does not have the required form/],
    ["x".repeat(65), /does not have the required form/],
  ])("refuses CN %j", (cn, message) => {
    const c = byCode(runCsrChecks(facts({ cn }), DEFAULT_PROFILE, ctx), "subject.CN")!;
    expect(c.result).toBe("fail");
    expect(c.message).toMatch(message);
  });

  it("checks C only when present, and refuses a repeated CN", () => {
    expect(byCode(runCsrChecks(facts({ extra: [{ name: "C", value: "no" }] }), DEFAULT_PROFILE, ctx), "subject.C")!.result).toBe("fail");
    expect(byCode(runCsrChecks(facts({ extra: [{ name: "C", value: "NO" }] }), DEFAULT_PROFILE, ctx), "subject.C")!.result).toBe("pass");
    expect(byCode(runCsrChecks(facts({ extra: [{ name: "CN", value: "again" }] }), DEFAULT_PROFILE, ctx), "subject.CN")!.message).toMatch(/appears 2 times/);
  });

  it("copies DNS and IP SANs and refuses other SAN types", () => {
    const ok = byCode(runCsrChecks(facts({ sans: [{ type: "dns", value: "a.example" }, { type: "ip", value: "192.0.2.1" }] }), DEFAULT_PROFILE, ctx), "san")!;
    expect(ok.result).toBe("pass");
    const bad = byCode(runCsrChecks(facts({ sans: [{ type: "email", value: "a@b.c" }] }), DEFAULT_PROFILE, ctx), "san")!;
    expect(bad).toMatchObject({ result: "fail" });
    expect(bad.message).toMatch(/EMAIL:a@b.c/);
  });

  it("fails a bad self-signature", () => {
    const c = byCode(runCsrChecks(facts({ signatureValid: false, signatureError: "signature mismatch" }), DEFAULT_PROFILE, ctx), "csr.signature")!;
    expect(c.result).toBe("fail");
    expect(c.message).toMatch(/does not verify \(signature mismatch\)\. Generate the CSR again/);
  });

  it("tells a signature it cannot check (DSA, MD5, secp256k1) apart from a mismatch", () => {
    const c = byCode(
      runCsrChecks(facts({ signatureValid: false, signatureUnsupported: true, signatureError: "dsa-with-SHA256 cannot be checked: WebCrypto does not implement DSA" }), DEFAULT_PROFILE, ctx),
      "csr.signature",
    )!;
    expect(c.result).toBe("fail");
    expect(c.message).toMatch(/could not be checked \(dsa-with-SHA256 .*DSA\)/);
    expect(c.message).not.toMatch(/Generate the CSR again/);
  });
});

describe("profiles as data", () => {
  const tsh = {
    code: "tsh-mtls",
    name: "TSH mTLS client",
    environments: ["PPR", "PRD"],
    subject: {
      CN: { required: true, pattern: "TLSMA-{keyType}/{org}/TSH/TSP.{env}" },
      O: { required: true, equals: "{orgName}" },
      C: { required: false, pattern: "[A-Z]{2}" },
      OU: { forbidden: true },
    },
    keys: ["rsa-4096", "ecdsa-p256"],
    signatureHashes: ["sha256"],
    san: "forbid",
    extendedKeyUsage: ["clientAuth"],
    validityDays: 365,
  };

  it("substitutes placeholders literally and matches the whole value", () => {
    const v = validateProfile(tsh);
    expect(v.ok).toBe(true);
    const p = (v as { profile: Profile }).profile;
    const good = facts({ cn: "TLSMA-ECDSA/acme/TSH/TSP.PPR", extra: [{ name: "O", value: "Acme Payments AS" }] });
    expect(accepted(runCsrChecks(good, p, ctx))).toBe(true);
    // "." in TSP.{env} is literal text of the pattern (a regex dot) but {env} is literal: PPRX must not match.
    const suffix = facts({ cn: "TLSMA-ECDSA/acme/TSH/TSP.PPRX", extra: [{ name: "O", value: "Acme Payments AS" }] });
    expect(byCode(runCsrChecks(suffix, p, ctx), "subject.CN")!.result).toBe("fail");
    const rsaWord = facts({ cn: "TLSMA-RSA/acme/TSH/TSP.PPR", extra: [{ name: "O", value: "Acme Payments AS" }] });
    expect(byCode(runCsrChecks(rsaWord, p, ctx), "subject.CN")!.message).toMatch(/Expected the form TLSMA-ECDSA\/acme\/TSH\/TSP.PPR/);
    const wrongO = facts({ cn: "TLSMA-ECDSA/acme/TSH/TSP.PPR", extra: [{ name: "O", value: "Acme" }] });
    expect(byCode(runCsrChecks(wrongO, p, ctx), "subject.O")!.message).toBe('O is "Acme"; it must be exactly "Acme Payments AS".');
    const ou = facts({ cn: "TLSMA-ECDSA/acme/TSH/TSP.PPR", extra: [{ name: "O", value: "Acme Payments AS" }, { name: "OU", value: "IT" }] });
    expect(byCode(runCsrChecks(ou, p, ctx), "subject.OU")!.result).toBe("fail");
    const san = facts({ cn: "TLSMA-ECDSA/acme/TSH/TSP.PPR", extra: [{ name: "O", value: "Acme Payments AS" }], sans: [{ type: "dns", value: "x.test" }] });
    expect(byCode(runCsrChecks(san, p, ctx), "san")!.result).toBe("fail");
  });

  it("escapes regex characters in substituted values", () => {
    const p = validateProfile({ ...tsh, subject: { O: { required: true, pattern: "{orgName}" } } });
    expect(p.ok).toBe(true);
    const prof = (p as { profile: Profile }).profile;
    const dotCtx = { ...ctx, orgName: "A.B (Norge) AS" };
    expect(byCode(runCsrChecks(facts({ extra: [{ name: "O", value: "A.B (Norge) AS" }] }), prof, dotCtx), "subject.O")!.result).toBe("pass");
    expect(byCode(runCsrChecks(facts({ extra: [{ name: "O", value: "AxB (Norge) AS" }] }), prof, dotCtx), "subject.O")!.result).toBe("fail");
  });

  it.each([
    [{ keys: ["rsa-1024"] }, "keys[0]"],
    [{ san: "allow" }, "san"],
    [{ subject: { CN: { pattern: "(" } } }, "subject.CN.pattern"],
    [{ subject: { XX: { required: true } } }, "subject.XX"],
    [{ subject: { CN: { required: true, bogus: 1 } } }, "subject.CN.bogus"],
    [{ validityDays: 0 }, "validityDays"],
    [{ extendedKeyUsage: ["codeSigning"] }, "extendedKeyUsage[0]"],
    [{ code: "Bad Code" }, "code"],
    [{ surprise: true }, "surprise"],
    [{ subject: { CN: { pattern: "TLSMA-{keytype}/{org}" } } }, "subject.CN.pattern"],
    [{ subject: { O: { equals: "{organisation}" } } }, "subject.O.equals"],
  ])("refuses a malformed profile naming the field: %j", (patch, field) => {
    const v = validateProfile({ ...tsh, ...patch });
    expect(v.ok).toBe(false);
    expect((v as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
  });

  it("refuses RSA sizes above what CSR parsing reads (lib/pki/key/rsa-limits.ts), naming the field", () => {
    const v = validateProfile({ ...tsh, keys: ["rsa-2048", "rsa-16384"] });
    expect(v.ok).toBe(false);
    expect((v as { errors: { field: string; message: string }[] }).errors).toEqual([
      { field: "keys[1]", message: expect.stringMatching(/^RSA 16384 is more than Keyport reads: RSA keys up to 8192 bits; use one of rsa-2048, /) },
    ]);
    // Every key type a profile can name is within the limit.
    for (const k of KEY_TYPES) if (k.startsWith("rsa-")) expect(Number(k.slice(4))).toBeLessThanOrEqual(MAX_RSA_MODULUS_BITS);
  });

  it("names an unknown placeholder and an unknown subject attribute in plain words", () => {
    const v = validateProfile({ ...tsh, subject: { CN: { pattern: "X-{keytype}-[a-z]{2,8}" }, XX: { required: true } } });
    const errors = (v as { errors: { field: string; message: string }[] }).errors;
    expect(errors).toContainEqual({ field: "subject.CN.pattern", message: expect.stringMatching(/^unknown placeholder \{keytype\}; use \{org\}, \{orgName\}, \{env\}, \{keyType\}$/) });
    expect(errors).toContainEqual({ field: "subject.XX", message: expect.stringMatching(/^unknown subject attribute; use one of CN, O, /) });
  });

  it("names key reuse hits", () => {
    const c = keyReuseCheck([{ kind: "certificate", id: "c1", orgCode: "beta", envCode: "PRD", status: "revoked" }]);
    expect(c).toMatchObject({ code: "key.reuse", result: "fail" });
    expect(c.message).toMatch(/revoked certificate c1 \(beta, PRD\)/);
  });
});

describe("placeholders in patterns", () => {
  it("substitute literally, whatever regex syntax the organisation's code or name holds", async () => {
    const { substitute } = await import("./checks");
    const ctx = { orgCode: "acme-1", orgName: "Acme (Nordic) A/S [1.0] +x", envCode: "PPR", keyType: "RSA" };
    const re = new RegExp(`^(?:${substitute("TLSMA-{keyType}/{org}/{orgName}/TSP.{env}", ctx, true)})$`, "u");
    expect(re.test("TLSMA-RSA/acme-1/Acme (Nordic) A/S [1.0] +x/TSP.PPR")).toBe(true);
    expect(re.test("TLSMA-RSA/acme-1/Acme XNordic) A/S [1.0] +x/TSP.PPR")).toBe(false);
    expect(re.test("TLSMA-RSA/acme-1/Acme (Nordic) A/S 1 +x/TSP.PPR")).toBe(false);
  });
});
