import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHierarchy, type TestHierarchy } from "../interop/test-ca";
import { generateNodeKeyPair } from "../interop/node-signer";
import { pemEncode } from "../pem";
import { parseCertificateInfo } from "./certificate-info";
import { issueLeafCertificate } from "./leaf-certificate";
import { buildName } from "./name";
import { randomSerial } from "./serial";

let h: TestHierarchy;
let dir: string;
beforeAll(async () => {
  h = await createTestHierarchy("rsa-2048");
  dir = mkdtempSync(join(tmpdir(), "keyport-info-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseCertificateInfo", () => {
  it("agrees with OpenSSL and node:crypto", async () => {
    const key = await generateNodeKeyPair("ecdsa-p256");
    const { der } = await issueLeafCertificate({
      subjectDer: buildName({ C: "DE", O: "Partner, Inc.", CN: "client-01" }),
      spkiDer: key.spkiDer,
      issuerCertDer: h.issuing.cert.der,
      signer: h.issuing.signer,
      serial: randomSerial(),
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 30 * 86_400_000),
      keyType: "ec",
      extendedKeyUsage: ["clientAuth", "serverAuth"],
      sans: { dns: ["c.example"], ip: ["2001:db8::1"] },
    });
    const info = await parseCertificateInfo(der);
    const x = new X509Certificate(der);
    expect(info.sha256Fingerprint).toBe(x.fingerprint256);
    expect(info.serialHex).toBe(x.serialNumber);
    expect(info.spkiSha256).toBe(createHash("sha256").update(key.spkiDer).digest("hex"));
    expect(info.notAfter.getTime()).toBe(new Date(x.validTo).getTime());
    expect(info).toMatchObject({
      isCa: false,
      version: 3,
      publicKey: { algorithm: "ec", bits: 256, curve: "P-256" },
      keyUsage: ["digitalSignature"],
      extendedKeyUsage: ["clientAuth", "serverAuth"],
      sans: { dns: ["c.example"], ip: ["2001:db8::1"] },
    });
    const file = join(dir, "leaf.pem");
    writeFileSync(file, pemEncode("CERTIFICATE", der));
    const openssl = (...args: string[]) => execFileSync("openssl", ["x509", "-in", file, "-noout", ...args]).toString().trim();
    expect(openssl("-subject", "-nameopt", "RFC2253")).toBe(`subject=${info.subjectString}`);
    expect(openssl("-issuer", "-nameopt", "RFC2253")).toBe(`issuer=${info.issuerString}`);
    expect(openssl("-serial")).toBe(`serial=${info.serialHex}`);
    expect(info.subjectString).toBe("CN=client-01,O=Partner\\, Inc.,C=DE");
    const ext = openssl("-ext", "subjectKeyIdentifier,authorityKeyIdentifier");
    expect(ext.replace(/[\s:]/g, "").toLowerCase()).toContain(info.ski as string);
    expect(ext.replace(/[\s:]/g, "").toLowerCase()).toContain(info.aki as string);
  });
});
