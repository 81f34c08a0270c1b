// Runs last (file order): everything the e2e server logged during the whole run holds no secret
// (issue 16): no password, master key, session secret, API token, session cookie, private key,
// CSR or certificate body — and it is the structured JSON log, one object per line, with request ids.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { E2E_PASSWORDS, E2E_SERVER_LOG } from "./support/env";

test("[anyone] the server's log of the whole e2e run holds no secret", async () => {
  const log = fs.readFileSync(E2E_SERVER_LOG, "utf8");
  const lines = log.split("\n").filter((l) => l.trim());
  const json = lines.filter((l) => l.startsWith("{"));
  expect(json.length).toBeGreaterThan(5);
  for (const l of json) expect(() => JSON.parse(l), l.slice(0, 200)).not.toThrow();
  expect(json.some((l) => /"requestId":"[0-9a-f]{16}"/.test(l))).toBe(true);

  const secrets: [string, string][] = [
    ...Object.entries(E2E_PASSWORDS).map(([who, pw]): [string, string] => [`${who}'s password`, pw]),
    ["the master key", process.env.KEYPORT_MASTER_KEY!],
    ["the session secret", "e2e-only-secret-not-for-production-0123456789"],
  ];
  for (const [what, value] of secrets) expect(log.includes(value), `${what} appears in the log`).toBe(false);
  for (const [what, pattern] of [
    ["an API token", /kp_[A-Za-z0-9_-]{43}/],
    ["a session cookie", /next-auth\.session-token=/],
    ["a JWT", /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./],
    ["a PEM block (key, CSR or certificate)", /-----BEGIN [A-Z ]+-----/],
    ["a bearer header", /Bearer [A-Za-z0-9_-]{20,}/],
  ] as const) {
    expect(pattern.test(log), `${what} appears in the log`).toBe(false);
  }
});
