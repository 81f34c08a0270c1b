// The named checks and issuance must agree: a CSR that passes every check is signed, and a CSR
// refused at signing fails a check first, with the same reason. Real OpenSSL-made CSRs.
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as asn1js from "asn1js";
import { beforeAll, describe, expect, it } from "vitest";
import { PkiError } from "@/lib/pki/cert/errors";
import { issueLeafCertificate } from "@/lib/pki/cert/leaf-certificate";
import { randomSerial } from "@/lib/pki/cert/serial";
import { type ParsedCsr, readCsr } from "@/lib/pki/csr/parse-csr";
import { ascii, buildCsr, rawString } from "@/lib/pki/csr/fixtures/build-csr";
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

let lastIssued: Uint8Array | undefined;

/** What approval does with a CSR that passed (lib/services/requests/decide-request.ts): the issuance outcome. */
async function issue(csr: ParsedCsr, spkiDer = csr.spkiDer): Promise<{ ok: true; der?: Uint8Array } | { ok: false; message: string }> {
  const now = new Date();
  try {
    const issued = await issueLeafCertificate({
      subjectDer: csr.certificateSubject.ok ? csr.certificateSubject.der : csr.subjectDer,
      spkiDer,
      issuerCertDer: ca.issuing.cert.der,
      signer: ca.issuing.signer,
      serial: randomSerial(),
      notBefore: now,
      notAfter: new Date(now.getTime() + 86_400_000),
      keyType: csr.key.type === "rsa" ? "rsa" : "ec",
      extendedKeyUsage: ["clientAuth"],
      sans: { dns: csr.sans.filter((s) => s.type === "dns").map((s) => s.value), ip: csr.sans.filter((s) => s.type === "ip").map((s) => s.value) },
    });
    lastIssued = issued.der;
    return { ok: true };
  } catch (e) {
    if (e instanceof PkiError) return { ok: false, message: e.message };
    throw e;
  }
}

describe("san: the same validation as issuance, with the same words", () => {
  it.each([
    ["DNS:foo_bar.acme.test", /"foo_bar.acme.test" \(only letters, digits and hyphens are allowed in a label \(RFC 1034 §3.5\), not "_"\)/],
    ["DNS:acme.test.", /"acme.test." \(a trailing dot is not allowed/],
    ["DNS:*.test", /"\*.test" \(a wildcard needs at least two labels after it/],
    ["DNS:a b.test", /"a b.test" \(it contains a space/],
    ["DNS:w*.acme.test", /a wildcard must be the whole leftmost label/],
    ["DNS:-a.acme.test", /starts or ends with a hyphen/],
    ["DNS:ok.acme.test,DNS:x..acme.test", /"x..acme.test" \(it has an empty label/],
  ])("%s fails the san check exactly as issuance would refuse it", async (san, why) => {
    const csr = await opensslCsr("/CN=acme-client", san);
    const check = runCsrChecks(csr, DEFAULT_PROFILE, ctx).find((c) => c.code === "san")!;
    expect(check.result).toBe("fail");
    expect(check.message).toMatch(why);
    const issued = await issue(csr);
    expect(issued).toEqual({ ok: false, message: check.message });
  });

  it.each(["DNS:client.acme.test,DNS:*.mtls.acme.test,IP:192.0.2.10,IP:2001:db8::1,IP:::ffff:192.0.2.1", "DNS:xn--blbr-roa.example,DNS:A-1.Example.COM"])(
    "accepted SANs (%s) are issued",
    async (san) => {
      const csr = await opensslCsr("/CN=acme-client", san);
      expect(accepted(runCsrChecks(csr, DEFAULT_PROFILE, ctx))).toBe(true);
      expect(await issue(csr)).toEqual({ ok: true });
    },
  );

  it("every iPAddress a CSR can carry (4 or 16 octets) is one issuance accepts", async () => {
    const { formatIpAddress } = await import("@/lib/pki/ip-address");
    const { ipAddressProblem } = await import("@/lib/pki/cert/san-names");
    const samples = [new Uint8Array(4), new Uint8Array(16), Uint8Array.of(255, 255, 255, 255), new Uint8Array(16).fill(255)];
    for (let i = 0; i < 500; i++) {
      const b = new Uint8Array(i % 2 ? 4 : 16);
      crypto.getRandomValues(b);
      // Runs of zeros and IPv4-mapped forms are where text forms differ.
      if (i % 3 === 0) b.fill(0, 0, Math.min(b.length, 10));
      if (i % 5 === 0 && b.length === 16) b.set([0xff, 0xff], 10);
      samples.push(b);
    }
    for (const b of samples) expect(ipAddressProblem(formatIpAddress(b)!), formatIpAddress(b)!).toBeNull();
  });

  it("an empty subject without SANs fails the san check, as issuance refuses it", async () => {
    const csr = await opensslCsr("/");
    const check = runCsrChecks(csr, DEFAULT_PROFILE, ctx).find((c) => c.code === "san")!;
    expect(check).toMatchObject({ result: "fail", message: expect.stringMatching(/subject is empty/) });
    expect(await issue(csr)).toMatchObject({ ok: false, message: expect.stringMatching(/empty subject needs at least one subjectAltName/) });
  });
});

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
    // Java's keytool refuses a certificate with a compressed point ("Failed to parse input"); this one it reads.
    const cert = join(dir, "compressed-key.der");
    writeFileSync(cert, lastIssued!);
    const keytool = spawnSync("keytool", ["-printcert", "-file", cert], { encoding: "utf8" });
    if (keytool.error) return; // no Java on this machine
    expect(keytool.status, keytool.stdout + keytool.stderr).toBe(0);
    expect(keytool.stdout).toMatch(/256-bit EC \(secp256r1\) key/);
    // The point in the certificate is the uncompressed one of the same key.
    const text = execFileSync("openssl", ["x509", "-inform", "DER", "-in", cert, "-noout", "-text"], { encoding: "utf8" });
    expect(text).toMatch(/pub:\s*\n\s*04:/);
  });
});

describe("subject: a country code in another string type", () => {
  const asn1parse = (der: Uint8Array) => {
    const f = join(dir, "cert.der");
    writeFileSync(f, der);
    return execFileSync("openssl", ["asn1parse", "-inform", "DER", "-in", f], { encoding: "utf8" });
  };

  it("is re-encoded as PrintableString (RFC 5280 App. A); everything else is copied as encoded", async () => {
    // OpenSSL always writes C as PrintableString; other toolkits write UTF8String. Built here, Ed25519-signed.
    const der = await buildCsr({
      subject: [
        ["2.5.4.6", new asn1js.Utf8String({ value: "NO" })],
        ["2.5.4.10", new asn1js.Utf8String({ value: "Blåbær AS" })],
        ["2.5.4.3", new asn1js.Utf8String({ value: "acme-client" })],
      ],
    });
    const r = await readCsr(der);
    if (!r.ok) throw new Error(r.finding.message);
    expect(r.csr.subject[0]).toMatchObject({ name: "C", value: "NO", valueType: "utf8String" });
    expect(runCsrChecks(r.csr, DEFAULT_PROFILE, ctx).find((c) => c.code === "subject.C")!.result).toBe("pass");
    // Issued with an EC key (Ed25519 keys are not issued); the subject is what is under test.
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(await issue(r.csr, new Uint8Array(publicKey.export({ type: "spki", format: "der" })))).toEqual({ ok: true });
    const parsed = asn1parse(lastIssued!);
    // The subject is the second Name in the certificate (after the issuer's).
    const subject = parsed.slice(parsed.lastIndexOf(":countryName"));
    expect(subject).toMatch(/^:countryName\s*\n.*PRINTABLESTRING\s*:NO/);
    expect(subject).toMatch(/organizationName\s*\n.*UTF8STRING\s*:Bl/);
    // Rebuilt: a DirectoryString whose alphabet allows it is a PrintableString (RFC 5280 §4.1.2.4).
    expect(subject).toMatch(/commonName\s*\n.*PRINTABLESTRING\s*:acme-client/);
    expect(execFileSync("openssl", ["x509", "-inform", "DER", "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb", "-in", join(dir, "cert.der")], { encoding: "utf8" }).trim()).toBe("subject=CN=acme-client,O=Blåbær AS,C=NO");
  });

  it("keeps a PrintableString C as it is, and refuses a C that is not two letters at subject.encoding", async () => {
    const printable = await readCsr(await buildCsr({ subject: [["2.5.4.6", rawString(19, ascii("NO"))], ["2.5.4.3", rawString(12, ascii("x"))]] }));
    const long = await readCsr(await buildCsr({ subject: [["2.5.4.6", new asn1js.Utf8String({ value: "Norway" })], ["2.5.4.3", rawString(12, ascii("x"))]] }));
    if (!printable.ok || !long.ok) throw new Error("not read");
    expect(printable.csr.certificateSubject.ok && Buffer.from(printable.csr.certificateSubject.der).toString("hex")).toBe(
      Buffer.from(printable.csr.subjectDer).toString("hex").replace("0c0178", "130178"),
    );
    const checks = runCsrChecks(long.csr, DEFAULT_PROFILE, ctx);
    expect(checks.find((c) => c.code === "subject.encoding")).toMatchObject({ result: "fail", message: expect.stringContaining('C: "Norway" is not two upper-case letters') });
    expect(checks.find((c) => c.code === "subject.C")!.result).toBe("fail");
  });
});
