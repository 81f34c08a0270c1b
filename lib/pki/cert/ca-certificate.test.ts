import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestHierarchy, type TestHierarchy } from "../interop/test-ca";
import { generateNodeKeyPair, nodeSigner } from "../interop/node-signer";
import { buildCaCertificate } from "./ca-certificate";
import { splitCertificate } from "./certificate-der";
import { parseCertificateInfo } from "./certificate-info";
import { PkiError } from "./errors";
import { randomSerial } from "./serial";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
let h: TestHierarchy;

beforeAll(async () => {
  h = await createTestHierarchy("ecdsa-p256", { rootCrlUrl: "http://pki.example/root.crl" });
});

describe("buildCaCertificate", () => {
  it("root: CA:TRUE critical without pathLen, keyCertSign+cRLSign critical, SKI, no AKI, self-signed", async () => {
    const parts = splitCertificate(h.root.cert.der);
    expect(parts.extensions.map((e) => [e.oid, e.critical])).toEqual([
      ["2.5.29.19", true],
      ["2.5.29.15", true],
      ["2.5.29.14", false],
    ]);
    expect(hex(parts.extensions[0].value)).toBe("30030101ff"); // SEQUENCE { cA TRUE }
    expect(hex(parts.extensions[1].value)).toBe("03020106"); // keyCertSign, cRLSign
    expect(hex(parts.issuer)).toBe(hex(parts.subject));
    const x = new X509Certificate(h.root.cert.der);
    expect(x.ca).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    const info = await parseCertificateInfo(h.root.cert.der);
    expect(info).toMatchObject({ isCa: true, pathLength: undefined, selfIssued: true, aki: undefined, keyUsage: ["keyCertSign", "cRLSign"] });
    expect(info.subjectString).toBe("CN=Keyport Test Root ecdsa-p256,O=Keyport Test,C=DE");
  });

  it("issuing CA: pathLen 0, digitalSignature+keyCertSign+cRLSign, AKI = root SKI, signed by the root", async () => {
    const parts = splitCertificate(h.issuing.cert.der);
    expect(parts.extensions.map((e) => [e.oid, e.critical])).toEqual([
      ["2.5.29.19", true],
      ["2.5.29.15", true],
      ["2.5.29.14", false],
      ["2.5.29.35", false],
      ["2.5.29.31", false],
    ]);
    expect(hex(parts.extensions[0].value)).toBe("30060101ff020100");
    expect(hex(parts.extensions[1].value)).toBe("03020186");
    const [root, issuing] = await Promise.all([parseCertificateInfo(h.root.cert.der), parseCertificateInfo(h.issuing.cert.der)]);
    expect(issuing.aki).toBe(root.ski);
    expect(issuing.pathLength).toBe(0);
    expect(hex(parts.issuer)).toBe(hex(splitCertificate(h.root.cert.der).subject));
    expect(new X509Certificate(h.issuing.cert.der).verify(new X509Certificate(h.root.cert.der).publicKey)).toBe(true);
  });

  it("clamps a subordinate CA's notAfter to the root's", async () => {
    const key = await generateNodeKeyPair("ecdsa-p256");
    const rootNotAfter = splitCertificate(h.root.cert.der).notAfter;
    const sub = await buildCaCertificate({
      subject: { CN: "Too long" },
      spkiDer: key.spkiDer,
      issuer: { certDer: h.root.cert.der },
      signer: h.root.signer,
      serial: randomSerial(),
      notBefore: new Date(),
      notAfter: new Date(rootNotAfter.getTime() + 86_400_000),
    });
    expect(sub.notAfterClamped).toBe(true);
    expect(splitCertificate(sub.der).notAfter.getTime()).toBe(rootNotAfter.getTime());
  });

  it("refuses a root signed by another key", async () => {
    const [a, b] = await Promise.all([generateNodeKeyPair("ecdsa-p256"), generateNodeKeyPair("ecdsa-p256")]);
    const attempt = buildCaCertificate({
      subject: { CN: "Mismatch" },
      spkiDer: a.spkiDer,
      issuer: "self",
      signer: nodeSigner("ecdsa-p256", b.privateKey),
      serial: randomSerial(),
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    await expect(attempt).rejects.toThrow(PkiError);
    await expect(attempt).rejects.toMatchObject({ code: "signer_mismatch" });
  });

  it("refuses a signer whose key type differs from the root key", async () => {
    const a = await generateNodeKeyPair("ecdsa-p384");
    await expect(
      buildCaCertificate({ subject: { CN: "x" }, spkiDer: a.spkiDer, issuer: "self", signer: h.root.signer, serial: randomSerial(), notBefore: new Date(), notAfter: new Date(Date.now() + 1e9) }),
    ).rejects.toMatchObject({ code: "signer_mismatch" });
  });
});
