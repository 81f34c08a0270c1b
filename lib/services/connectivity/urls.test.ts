import { describe, expect, it } from "vitest";
import { connectivityServerIssuedByKeyport, connectivityUrl } from "./urls";

describe("connectivity test URL shown to partners", () => {
  it.each([
    [{ KEYPORT_CONNECTIVITY_URL: "https://mtls-{env}.example.com/api/healthCheck" }, "PPR", "https://mtls-PPR.example.com/api/healthCheck"],
    [{ KEYPORT_CONNECTIVITY_URL: "https://mtls-{env}.example.com/api/healthCheck" }, "PRD", "https://mtls-PRD.example.com/api/healthCheck"],
    [{ KEYPORT_CONNECTIVITY_URL: "https://gw.example.com/{env}/health?env={env}" }, "PPR", "https://gw.example.com/PPR/health?env=PPR"],
    [{ KEYPORT_CONNECTIVITY_URL: " https://gw.example.com/api/healthCheck " }, "PRD", "https://gw.example.com/api/healthCheck"],
    [{ KEYPORT_CONNECTIVITY_URL: "https://gw.example.com/{env}", KEYPORT_CONNECTIVITY: "PPR:8443" }, "PPR", "https://gw.example.com/PPR"],
    [{ KEYPORT_CONNECTIVITY: "PPR:8443, PRD:8444" }, "PRD", "https://localhost:8444/api/healthCheck"],
    [{ KEYPORT_CONNECTIVITY: "PPR:8443" }, "PRD", null],
    [{}, "PPR", null],
  ])("%j for %s → %s", (env, code, expected) => {
    const saved = process.env.KEYPORT_PUBLIC_URL;
    delete process.env.KEYPORT_PUBLIC_URL; // default http://localhost:3000
    try {
      expect(connectivityUrl(code, env)).toBe(expected);
    } finally {
      if (saved !== undefined) process.env.KEYPORT_PUBLIC_URL = saved;
    }
  });
});

describe("the connectivity server's CA", () => {
  it("is the environment's CA for Keyport's own listener, the system's trust store for a provider gateway", () => {
    expect(connectivityServerIssuedByKeyport({ KEYPORT_CONNECTIVITY: "PPR:8443" })).toBe(true);
    expect(connectivityServerIssuedByKeyport({ KEYPORT_CONNECTIVITY_URL: "https://mtls-{env}.example.com/api/healthCheck" })).toBe(false);
  });
});
