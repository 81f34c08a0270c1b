// The named checks and issuance must agree: a CSR that passes every check is signed, and a CSR
// refused at signing fails a check first, with the same reason. Real OpenSSL-made CSRs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PkiError } from "@/lib/pki/cert/errors";
import { issueLeafCertificate } from "@/lib/pki/cert/leaf-certificate";
import { flattenRdns } from "@/lib/pki/cert/name";
import { randomSerial } from "@/lib/pki/cert/serial";
import { type ParsedCsr, readCsr } from "@/lib/pki/csr/parse-csr";
import { createTestHierarchy, type TestHierarchy } from "@/lib/pki/interop/test-ca";
import { accepted, runCsrChecks } from "./checks";
import { DEFAULT_PROFILE } from "./profile";

const ctx = { orgCode: "acme", orgName: "Acme Payments AS", envCode: "PPR" };
const FIXTURES = join(import.meta.dirname, "..", "pki", "csr", "fixtures");

let ca: TestHierarchy;
let dir: string;
beforeAll(async () => {
  ca = await createTestHierarchy("ecdsa-p256");
  dir = mkdtempSync(join(tmpdir(), "keyport-checks-"));
  execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", join(dir, "k.pem")], { stdio: "pipe" });
  return () => rmSync(dir, { recursive: true, force: true });
});

/** A CSR from OpenSSL with this subject and SAN extension value (one shared P-256 key). */
async function opensslCsr(subject: string, san?: string): Promise<ParsedCsr> {
  const out = join(dir, "r.csr");
  execFileSync("openssl", ["req", "-new", "-key", join(dir, "k.pem"), "-subj", subject, "-out", out, ...(san ? ["-addext", `subjectAltName=${san}`] : [])], { stdio: "pipe" });
  const r = await readCsr(readFileSync(out, "utf8"));
  if (!r.ok) throw new Error(r.finding.message);
  return r.csr;
}

/** What approval does with a CSR that passed (lib/services/requests/decide-request.ts): the issuance outcome. */
async function issue(csr: ParsedCsr): Promise<{ ok: true } | { ok: false; message: string }> {
  const now = new Date();
  try {
    await issueLeafCertificate({
      subjectDer: flattenRdns(csr.subjectDer),
      spkiDer: csr.spkiDer,
      issuerCertDer: ca.issuing.cert.der,
      signer: ca.issuing.signer,
      serial: randomSerial(),
      notBefore: now,
      notAfter: new Date(now.getTime() + 86_400_000),
      keyType: csr.key.type === "rsa" ? "rsa" : "ec",
      extendedKeyUsage: ["clientAuth"],
      sans: { dns: csr.sans.filter((s) => s.type === "dns").map((s) => s.value), ip: csr.sans.filter((s) => s.type === "ip").map((s) => s.value) },
    });
    return { ok: true };
  } catch (e) {
    if (e instanceof PkiError) return { ok: false, message: e.message };
    throw e;
  }
}

describe("key.type: an id-RSASSA-PSS key", () => {
  it("fails with the reason and the way out, and issuance would refuse it too", async () => {
    // `openssl genpkey -algorithm RSA-PSS` (make-fixtures.sh), its CSR signed with PSS.
    const r = await readCsr(readFileSync(join(FIXTURES, "rsapss-key.csr.pem"), "utf8"));
    if (!r.ok) throw new Error(r.finding.message);
    expect(r.csr.signatureValid).toBe(true);
    const check = runCsrChecks(r.csr, DEFAULT_PROFILE, ctx).find((c) => c.code === "key.type")!;
    expect(check.result).toBe("fail");
    expect(check.message).toBe(
      "Found an RSA-PSS-restricted key (id-RSASSA-PSS, 2048 bits); allowed: RSA 2048, RSA 3072, RSA 4096, ECDSA P-256, ECDSA P-384. " +
        "Create an ordinary RSA key (rsaEncryption, e.g. openssl genpkey -algorithm RSA), which can still sign the CSR with PSS.",
    );
    // An ordinary RSA key signing with PSS passes.
    const pssSig = await readCsr(readFileSync(join(FIXTURES, "rsa2048-pss-sig.csr.pem"), "utf8"));
    expect(pssSig.ok && runCsrChecks(pssSig.csr, DEFAULT_PROFILE, ctx).find((c) => c.code === "key.type")!.result).toBe("pass");
  });
});

describe("EC keys in other encodings", () => {
  it("a compressed-point CSR passes and is issued with the uncompressed point", async () => {
    const r = await readCsr(readFileSync(join(FIXTURES, "ec-p256-compressed.csr.pem"), "utf8"));
    if (!r.ok) throw new Error(r.finding.message);
    expect(accepted(runCsrChecks(r.csr, DEFAULT_PROFILE, ctx))).toBe(true);
    expect(await issue(r.csr)).toEqual({ ok: true });
  });
});
