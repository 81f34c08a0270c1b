import { describe, expect, it } from "vitest";
import { describePattern } from "./describe-pattern";
import { DEFAULT_PROFILE } from "./profile";
import { runCsrChecks } from "./checks";

describe("describePattern", () => {
  it.each([
    ["[^\\s]{1,64}", "1–64 characters, no whitespace"],
    ["[A-Z]{2}", "two upper-case letters (A–Z)"],
    ["\\S+", "one or more characters, no whitespace"],
    ["[a-z0-9-]{3,}", "at least 3 lower-case letters, digits or hyphens"],
    ["[0-9]{12}", "12 digits"],
  ])("%s → %s", (pattern, words) => expect(describePattern(pattern)).toBe(words));

  it("leaves anything else to the pattern itself", () => {
    for (const p of ["TLSMA-{keyType}/{org}", "[A-Z]{2}|EU", "(a|b)+", "[^,]{1,5}"]) expect(describePattern(p)).toBeNull();
  });

  it("is what a partner reads for the default profile's CN and C rules", () => {
    const facts = {
      subject: [
        { name: "CN", value: "with space" },
        { name: "C", value: "no" },
      ],
      subjectRdns: [[{ name: "CN", value: "with space" }], [{ name: "C", value: "no" }]],
      sans: [],
      key: { type: "ec" as const, curve: "P-256", bits: 256, label: "ECDSA P-256" },
      signature: { name: "ecdsa-with-SHA256", hash: "sha256" as const },
      signatureValid: true,
    };
    const checks = runCsrChecks(facts as never, DEFAULT_PROFILE, { orgCode: "acme", orgName: "Acme", envCode: "PPR" });
    expect(checks.find((c) => c.code === "subject.CN")!.message).toBe('CN "with space" does not have the required form. Expected 1–64 characters, no whitespace.');
    expect(checks.find((c) => c.code === "subject.C")!.message).toBe('C "no" does not have the required form. Expected two upper-case letters (A–Z).');
  });
});
