import { describe, expect, it } from "vitest";
import { DEFAULT_PROFILE, validateProfile } from "./profile";
import { runCsrChecks } from "./checks";
import { opensslSubj, shellQuote, suggestedSubject } from "./suggest-subject";

const ctx = { orgCode: "acme", orgName: "Acme Payments B.V.", envCode: "PPR" };

describe("suggestedSubject", () => {
  it("fills fixed attributes of the issue's example profile in DN order and passes its subject checks", () => {
    const v = validateProfile({
      code: "tsh-mtls",
      name: "TSH mTLS client",
      environments: ["PPR", "PRD"],
      subject: {
        CN: { required: true, pattern: "TLSMA-{keyType}/{org}/TSH/TSP.{env}" },
        O: { required: true, equals: "{orgName}" },
        C: { required: false, pattern: "[A-Z]{2}" },
      },
      keys: ["rsa-4096", "ecdsa-p256"],
      signatureHashes: ["sha256"],
      san: "forbid",
      extendedKeyUsage: ["clientAuth"],
      validityDays: 365,
    });
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const s = suggestedSubject(v.profile, ctx, "ecdsa-p256");
    expect(s.map((a) => [a.type, a.value, a.fixed])).toEqual([
      ["O", "Acme Payments B.V.", true],
      ["CN", "TLSMA-ECDSA/acme/TSH/TSP.PPR", true],
    ]);
    expect(opensslSubj(s)).toBe("/O=Acme Payments B.V./CN=TLSMA-ECDSA\\/acme\\/TSH\\/TSP.PPR");
    const facts = {
      subject: s.map((a) => ({ name: a.type, value: a.value })),
      subjectRdns: s.map((a) => [{ name: a.type, value: a.value }]),
      sans: [],
      key: { type: "ec", curve: "P-256", label: "ECDSA P-256" },
      signature: { name: "ecdsa-with-SHA256", hash: "sha256", scheme: "ecdsa" },
      signatureValid: true,
    };
    expect(runCsrChecks(facts, v.profile, ctx).filter((c) => c.result !== "pass")).toEqual([]);
  });

  it("gives the default profile an editable CN example that satisfies its rule", () => {
    expect(suggestedSubject(DEFAULT_PROFILE, ctx, "rsa-2048")).toEqual([{ type: "CN", value: "acme-ppr-client", fixed: false, required: true, rule: "must be 1–64 characters, no whitespace" }]);
  });

  it("quotes for the shell", () => {
    expect(shellQuote("/O=O'Brien Ltd/CN=x")).toBe(`'/O=O'\\''Brien Ltd/CN=x'`);
  });
});
