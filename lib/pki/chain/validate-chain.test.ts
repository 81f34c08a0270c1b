import { describe, expect, it } from "vitest";
import { buildCertsOnlyPkcs7, pkcs7ToPem } from "../pkcs7/certs-only";
import { pemEncode } from "../pem";
import { checkChainUpload } from "./check-upload";
import { makeTestChain, openssl } from "./fixtures.test-helper";

const DAY = 86_400_000;
const failures = (r: { findings: { code: string; result: string }[] }) => r.findings.filter((f) => f.result === "fail").map((f) => f.code);

describe("partner server chain validation", () => {
  it("accepts a root and issuing CA (any order, PEM, DER, PKCS#7) with a server certificate naming its hosts", async () => {
    const c = await makeTestChain({ hosts: ["partner.test", "127.0.0.1"] });
    for (const chain of [c.chainPem, pemEncode("CERTIFICATE", c.root) + pemEncode("CERTIFICATE", c.issuing), buildCertsOnlyPkcs7([c.root, c.issuing]), pkcs7ToPem(buildCertsOnlyPkcs7([c.issuing, c.root]))]) {
      const r = await checkChainUpload({ chain, server: c.serverPem });
      expect(failures(r)).toEqual([]);
      expect(r.accepted).toBe(true);
      expect(r.chainDer).toEqual([c.issuing, c.root]); // path order, re-encoded
      expect(r.hosts).toEqual(["partner.test", "127.0.0.1"]);
      expect(r.certificates.map((x) => x.role)).toEqual(["server", "intermediate", "root"]);
    }
    // A root alone (one DER file) is a chain too.
    const rootOnly = await checkChainUpload({ chain: c.root });
    expect(rootOnly.accepted).toBe(true);
  });

  const cases: { name: string; code: string; message: RegExp; make: () => Promise<{ chain: string | Uint8Array; server?: string }> }[] = [
    {
      name: "an expired intermediate",
      code: "cert.expired",
      message: /Partner Server CA.*expired on \d{4}-\d\d-\d\d/,
      make: async () => makeTestChain({ issuingNotBefore: new Date(Date.now() - 400 * DAY), issuingNotAfter: new Date(Date.now() - 10 * DAY) }).then((c) => ({ chain: c.chainPem })),
    },
    {
      name: "an intermediate with less validity left than the environment's minimum",
      code: "cert.validity-left",
      message: /in less than the 30 days this environment requires/,
      make: async () => makeTestChain({ issuingNotAfter: new Date(Date.now() + 5 * DAY) }).then((c) => ({ chain: c.chainPem })),
    },
    {
      name: "a leaf in place of a CA",
      code: "ca.basic-constraints",
      message: /is not a CA certificate: basicConstraints says CA:FALSE.*server certificate field/,
      make: async () => makeTestChain().then((c) => ({ chain: c.serverPem + c.chainPem })),
    },
    {
      name: "a broken signature",
      code: "chain.signature",
      message: /signature of "CN=Partner Server CA,O=Partner".*does not verify with the key of its issuer/,
      make: async () => {
        const c = await makeTestChain();
        const bad = c.issuing.slice();
        bad[bad.length - 5] ^= 0x01;
        return { chain: pemEncode("CERTIFICATE", bad) + pemEncode("CERTIFICATE", c.root) };
      },
    },
    {
      name: "a chain that does not build (root missing)",
      code: "chain.build",
      message: /issuer of "CN=Partner Server CA,O=Partner".*"CN=Partner Root CA,O=Partner", is not in the upload/,
      make: async () => makeTestChain().then((c) => ({ chain: pemEncode("CERTIFICATE", c.issuing) })),
    },
    {
      name: "a PKCS#7 with extra certificates",
      code: "chain.extra",
      message: /"CN=Other Root CA,O=Other".*is not part of the chain.*PKCS#7 bundle with other certificates/,
      make: async () => {
        const [c, other] = await Promise.all([makeTestChain(), makeTestChain({ name: "Other" })]);
        return { chain: buildCertsOnlyPkcs7([c.issuing, c.root, other.root]) };
      },
    },
    {
      name: "a private key pasted",
      code: "input.private-key",
      message: /contains a private key. Never send a private key/,
      make: async () => makeTestChain().then((c) => ({ chain: c.chainPem + c.serverKey.pem })),
    },
    {
      name: "a private key as DER",
      code: "input.private-key",
      message: /contains a private key/,
      make: async () => makeTestChain().then((c) => ({ chain: new Uint8Array(c.serverKey.privateKey.export({ type: "pkcs8", format: "der" })) })),
    },
    {
      name: "a CSR in place of a chain",
      code: "input.csr",
      message: /certificate signing request/,
      make: async () => ({ chain: openssl((run) => run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem", "-out", "r.csr", "-subj", "/CN=x"), ["r.csr"])["r.csr"] }),
    },
    {
      name: "a weak key (RSA-1024 intermediate)",
      code: "key.strength",
      message: /has an RSA-1024 key; at least RSA-2048 is required/,
      make: async () => {
        const f = openssl(
          (run) => {
            run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem", "-subj", "/CN=Weak Root", "-days", "3650", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            run("req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", "int.key", "-out", "int.csr", "-subj", "/CN=Weak Intermediate");
            run("x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-days", "1000", "-extfile", "ca.ext", "-out", "int.pem");
          },
          ["root.pem", "int.pem"],
        );
        return { chain: f["int.pem"] + f["root.pem"] };
      },
    },
    {
      name: "a SHA-1 signed intermediate",
      code: "signature.hash",
      message: /signed with SHA-1 \(sha1WithRSAEncryption\); SHA-256 or stronger is required/,
      make: async () => {
        const f = openssl(
          (run) => {
            run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem", "-subj", "/CN=Old Root", "-days", "3650", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "int.key", "-out", "int.csr", "-subj", "/CN=Old Intermediate");
            run("x509", "-req", "-sha1", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-days", "1000", "-extfile", "ca.ext", "-out", "int.pem");
          },
          ["root.pem", "int.pem"],
        );
        return { chain: f["int.pem"] + f["root.pem"] };
      },
    },
    {
      name: "a CA without keyCertSign",
      code: "ca.key-usage",
      message: /does not assert keyCertSign/,
      make: async () => ({
        chain: openssl((run) => run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem", "-out", "root.pem", "-subj", "/CN=No Sign Root", "-days", "3650", "-addext", "keyUsage=critical,digitalSignature"), ["root.pem"])["root.pem"],
      }),
    },
    {
      name: "a server certificate from another CA",
      code: "server.chain",
      message: /server certificate "CN=localhost,O=Other" is issued by "CN=Other Server CA,O=Other", not by the chain's lowest CA/,
      make: async () => {
        const [c, other] = await Promise.all([makeTestChain(), makeTestChain({ name: "Other" })]);
        return { chain: c.chainPem, server: other.serverPem };
      },
    },
    {
      name: "a server certificate without serverAuth",
      code: "server.eku",
      message: /lacks serverAuth/,
      make: async () => makeTestChain({ serverEku: ["clientAuth"] }).then((c) => ({ chain: c.chainPem, server: c.serverPem })),
    },
    { name: "text that is no certificate", code: "input.unreadable", message: /No PEM block/, make: async () => ({ chain: "hello, this is not a chain" }) },
    { name: "an empty upload", code: "input.empty", message: /Paste your CA chain/, make: async () => ({ chain: "  \n" }) },
    { name: "an oversize upload", code: "input.size", message: /at most 65536 bytes/, make: async () => ({ chain: "A".repeat(70_000) }) },
  ];

  for (const t of cases) {
    it(`refuses ${t.name} (${t.code}) with a clear message`, async () => {
      const input = await t.make();
      const r = await checkChainUpload({ chain: input.chain, server: "server" in input ? input.server : undefined });
      expect(r.accepted).toBe(false);
      expect(failures(r)).toContain(t.code);
      const f = r.findings.find((x) => x.code === t.code)!;
      expect(f.message).toMatch(t.message);
    });
  }

  it("says when a certificate is one Keyport knows to be revoked", async () => {
    const c = await makeTestChain();
    const r = await checkChainUpload({ chain: c.chainPem, isRevoked: () => true });
    expect(failures(r)).toContain("cert.revoked");
  });

  it("counts a repeated certificate once, with a warning", async () => {
    const c = await makeTestChain();
    const r = await checkChainUpload({ chain: c.chainPem + pemEncode("CERTIFICATE", c.root) });
    expect(r.accepted).toBe(true);
    expect(r.findings.find((f) => f.code === "chain.duplicate")?.result).toBe("warn");
  });
});
