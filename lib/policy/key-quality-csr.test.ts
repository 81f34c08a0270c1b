// key.quality end to end: CSRs that OpenSSL makes and signs with crafted RSA keys (chosen primes)
// verify and pass every other check, and are refused by key.quality alone, with the server's
// primality test (lib/services/csr/key-quality-options.ts).
import { execFileSync } from "node:child_process";
import { checkPrimeSync, createPrivateKey, generatePrimeSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCsr } from "@/lib/pki/csr/parse-csr";
import { SERVER_CHECK_OPTIONS } from "@/lib/services/csr/key-quality-options";
import { runCsrChecks } from "./checks";
import { DEFAULT_PROFILE } from "./profile";

const ctx = { orgCode: "acme", orgName: "Acme Payments AS", envCode: "PPR" };
const dir = mkdtempSync(join(tmpdir(), "keyport-kq-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (n: bigint) => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex").toString("base64url");
};
const modInverse = (a: bigint, m: bigint): bigint => {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
};

/** An RSA private key with the primes chosen by the test, as OpenSSL-readable PEM. */
function rsaKeyFrom(p: bigint, q: bigint): string {
  const e = 65537n;
  const d = modInverse(e, ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n));
  const jwk = { kty: "RSA", n: b64(p * q), e: b64(e), d: b64(d), p: b64(p), q: b64(q), dp: b64(d % (p - 1n)), dq: b64(d % (q - 1n)), qi: b64(modInverse(q, p)) };
  return createPrivateKey({ key: jwk, format: "jwk" }).export({ type: "pkcs8", format: "pem" }) as string;
}
const gcd = (a: bigint, b: bigint): bigint => (b ? gcd(b, a % b) : a);

/** A prime p with small·p exactly 2048 bits (an allowed key size, so only key.quality can refuse it). */
function primeFor2048(small: bigint): bigint {
  // OpenSSL sets a prime's top two bits, so 2048 − bits(small) always gives a 2048-bit product.
  const bits = 2048 - small.toString(2).length;
  for (;;) {
    const p = generatePrimeSync(bits, { bigint: true });
    if ((small * p).toString(2).length === 2048) return p;
  }
}

async function checksFor(pem: string) {
  writeFileSync(join(dir, "k.pem"), pem);
  const csr = execFileSync("openssl", ["req", "-new", "-key", join(dir, "k.pem"), "-subj", "/CN=acme-client", "-sha256"], { encoding: "utf8" });
  const r = await readCsr(csr);
  if (!r.ok) throw new Error(r.finding.message);
  return runCsrChecks(r.csr, DEFAULT_PROFILE, ctx, SERVER_CHECK_OPTIONS);
}

describe("key.quality on OpenSSL-signed CSRs with crafted keys", () => {
  it.each([
    ["3·p", () => [3n, primeFor2048(3n)] as const, /the factor 3 /],
    ["751·p", () => [751n, primeFor2048(751n)] as const, /the factor 751 /],
    [
      "p and q 34 or a few more apart",
      () => {
        const p = generatePrimeSync(1024, { bigint: true });
        let q = p + 34n;
        while (!checkPrimeSync(q)) q += 2n;
        return [p, q] as const;
      },
      /Fermat's method/,
    ],
  ])("%s: the signature verifies, key.quality alone fails", async (_, primes, message) => {
    const [p, q] = primes();
    const checks = await checksFor(rsaKeyFrom(p, q));
    expect(checks.filter((c) => c.result === "fail").map((c) => c.code)).toEqual(["key.quality"]);
    expect(checks.find((c) => c.code === "key.quality")!.message).toMatch(message);
  });

  it("an ordinary OpenSSL key passes, primality included", async () => {
    const checks = await checksFor(execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], { encoding: "utf8" }));
    const quality = checks.find((c) => c.code === "key.quality")!;
    expect(quality.result).toBe("pass");
    expect(quality.message).toContain("not prime");
  });
});
