// Interop with real tools for every CA key type × leaf key type: OpenSSL (verify, CRLs,
// PKCS#7, PKCS#12), Java keytool, curl, and Node's TLS stack (OpenSSL underneath) as a
// mutual-TLS server on 127.0.0.1.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request, createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueLeafCertificate } from "../cert/leaf-certificate";
import { buildName } from "../cert/name";
import { readCsr } from "../csr/parse-csr";
import { randomSerial } from "../cert/serial";
import type { CaKeyType } from "../cert/signer";
import { buildCrl } from "../crl/build-crl";
import { REVOCATION_REASONS } from "../crl/reasons";
import { chainToPem } from "../cert/download-formats";
import { pemDecodeAll, pemEncode } from "../pem";
import { buildCertsOnlyPkcs7, pkcs7ToPem } from "../pkcs7/certs-only";
import { buildKeyAndChainPkcs12, buildTruststorePkcs12 } from "../pkcs12/build-pkcs12";
import { generateNodeKeyPair, type NodeKeyPair } from "./node-signer";
import { createTestHierarchy, type TestHierarchy } from "./test-ca";
import { runTool } from "./tools";

const CA_KEY_TYPES: CaKeyType[] = ["rsa-2048", "rsa-3072", "rsa-4096", "ecdsa-p256", "ecdsa-p384"];
const LEAF_KEYS = [
  { name: "rsa-2048", keyType: "rsa" as const, newkey: ["-newkey", "rsa:2048"] },
  { name: "ecdsa-p256", keyType: "ec" as const, newkey: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] },
  { name: "ecdsa-p384", keyType: "ec" as const, newkey: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"] },
];
const P12_PASSWORD = "Keyport interop 1!";
const DAY = 86_400_000;
const hasCerttool = spawnSync("certtool", ["--version"]).status === 0;

interface LeafKey {
  name: string;
  keyType: "rsa" | "ec";
  keyPem: string;
  pkcs8Der: Uint8Array;
  subjectDer: Uint8Array;
  spkiDer: Uint8Array;
}

interface Leaf {
  key: LeafKey;
  der: Uint8Array;
  file: string;
  serial: Uint8Array;
}

interface CaFixture {
  keyType: CaKeyType;
  dir: string;
  h: TestHierarchy;
  leaves: Leaf[];
  rootCrl: string;
  crlBefore: string;
  crlAfter: string;
  tlsClient: Leaf;
}

let dir: string;
let leafKeys: LeafKey[];
const fixtures = new Map<CaKeyType, CaFixture>();

const openssl = (args: string[], cwd = dir) => runTool("openssl", args, { cwd });
const file = (d: string, name: string, content: string | Uint8Array) => {
  const path = join(d, name);
  writeFileSync(path, content);
  return path;
};

/** What approval signs from a CSR: the rebuilt subject (lib/pki/name/certificate-subject.ts) and the canonical SPKI. */
async function csrParts(csrDer: Uint8Array): Promise<{ subjectDer: Uint8Array; spkiDer: Uint8Array }> {
  const read = await readCsr(csrDer);
  if (!read.ok) throw new Error(read.finding.message);
  if (!read.csr.certificateSubject.ok) throw new Error(read.csr.certificateSubject.problems[0].message);
  return { subjectDer: read.csr.certificateSubject.der, spkiDer: read.csr.spkiDer };
}

async function makeLeafKey(spec: (typeof LEAF_KEYS)[number]): Promise<LeafKey> {
  const keyFile = join(dir, `leaf-${spec.name}.key`);
  const csrFile = join(dir, `leaf-${spec.name}.csr`);
  const subj = `/C=DE/O=Zahlungsdienst Müller GmbH/OU=Payments/CN=partner-${spec.name}`;
  const req = await openssl(["req", "-new", "-utf8", ...spec.newkey, "-nodes", "-keyout", keyFile, "-subj", subj, "-outform", "DER", "-out", csrFile]);
  expect(req.code, req.output).toBe(0);
  const pkcs8 = await openssl(["pkcs8", "-topk8", "-nocrypt", "-in", keyFile, "-outform", "DER", "-out", `${keyFile}.p8`]);
  expect(pkcs8.code, pkcs8.output).toBe(0);
  return {
    name: spec.name,
    keyType: spec.keyType,
    keyPem: readFileSync(keyFile, "utf8"),
    pkcs8Der: new Uint8Array(readFileSync(`${keyFile}.p8`)),
    ...(await csrParts(new Uint8Array(readFileSync(csrFile)))),
  };
}

async function issue(h: TestHierarchy, key: { subjectDer: Uint8Array; spkiDer: Uint8Array; keyType: "rsa" | "ec" }, eku: ("clientAuth" | "serverAuth")[], sans = { dns: ["client.partner.example"], ip: ["192.0.2.7", "2001:db8::7"] }) {
  const serial = randomSerial();
  const issued = await issueLeafCertificate({
    ...key,
    issuerCertDer: h.issuing.cert.der,
    signer: h.issuing.signer,
    serial,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 90 * DAY),
    extendedKeyUsage: eku,
    sans,
    crlUrl: "http://pki.keyport.example/crl/issuing.crl",
    caIssuersUrl: "http://pki.keyport.example/ca/issuing.cer",
  });
  return { der: issued.der, serial };
}

async function crlPem(h: TestHierarchy, which: "root" | "issuing", number: bigint, revoked: Leaf[]): Promise<string> {
  const ca = h[which];
  const der = await buildCrl({
    issuerCertDer: ca.cert.der,
    signer: ca.signer,
    crlNumber: number,
    thisUpdate: new Date(Date.now() - 60_000),
    nextUpdate: new Date(Date.now() + 7 * DAY),
    entries: revoked.map((l, i) => ({ serial: l.serial, revokedAt: new Date(Date.now() - 30_000), reason: REVOCATION_REASONS[(i % 8) + 1] })),
  });
  return pemEncode("X509 CRL", der);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "keyport-interop-"));
  // Two CA keys per type on the thread pool while OpenSSL makes the leaf keys and CSRs.
  const caKeysPromise = Promise.all(CA_KEY_TYPES.map((t) => Promise.all([generateNodeKeyPair(t), generateNodeKeyPair(t)])));
  leafKeys = await Promise.all(LEAF_KEYS.map(makeLeafKey));
  const caKeys = await caKeysPromise;
  for (const [i, keyType] of CA_KEY_TYPES.entries()) {
    const h = await createTestHierarchy(keyType, { keys: caKeys[i] as [NodeKeyPair, NodeKeyPair], rootCrlUrl: "http://pki.keyport.example/crl/root.crl" });
    const caDir = mkdtempSync(join(dir, `${keyType}-`));
    file(caDir, "root.pem", pemEncode("CERTIFICATE", h.root.cert.der));
    file(caDir, "issuing.pem", pemEncode("CERTIFICATE", h.issuing.cert.der));
    const leaves: Leaf[] = [];
    for (const key of leafKeys) {
      const { der, serial } = await issue(h, key, ["clientAuth"]);
      leaves.push({ key, der, serial, file: file(caDir, `leaf-${key.name}.pem`, pemEncode("CERTIFICATE", der)) });
    }
    const tlsKey = leafKeys[i % leafKeys.length];
    const tls = await issue(h, tlsKey, ["clientAuth"]);
    const rootCrl = await crlPem(h, "root", 1n, []);
    const crlBefore = await crlPem(h, "issuing", 1n, []);
    const crlAfter = await crlPem(h, "issuing", 2n, leaves);
    file(caDir, "root.crl", rootCrl);
    file(caDir, "issuing-before.crl", crlBefore);
    file(caDir, "issuing-after.crl", crlAfter);
    fixtures.set(keyType, {
      keyType,
      dir: caDir,
      h,
      leaves,
      rootCrl,
      crlBefore,
      crlAfter,
      tlsClient: { key: tlsKey, der: tls.der, serial: tls.serial, file: file(caDir, "tls-client.pem", pemEncode("CERTIFICATE", tls.der)) },
    });
  }
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(CA_KEY_TYPES)("CA %s", (caKeyType) => {
  const fx = () => fixtures.get(caKeyType) as CaFixture;
  const verify = (leafFile: string, crls: string[] = []) =>
    openssl(["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "root.pem", "-untrusted", "issuing.pem", ...(crls.length ? ["-crl_check_all", ...crls.flatMap((c) => ["-CRLfile", c])] : []), leafFile], fx().dir);

  it("openssl verify accepts every leaf type, with and without CRLs, and reports revocation", async () => {
    await Promise.all(
      fx().leaves.map(async (leaf) => {
        const plain = await verify(leaf.file);
        expect(plain.output, `${leaf.key.name}: ${plain.output}`).toMatch(/: OK\s*$/);
        const before = await verify(leaf.file, ["root.crl", "issuing-before.crl"]);
        expect(before.output, `${leaf.key.name}: ${before.output}`).toMatch(/: OK\s*$/);
        expect(before.code).toBe(0);
        const after = await verify(leaf.file, ["root.crl", "issuing-after.crl"]);
        expect(after.code, after.output).not.toBe(0);
        expect(after.output).toMatch(/certificate revoked/);
      }),
    );
    // CRL for the issuing CA alone is not enough with -crl_check_all (the root needs one too).
    const missingRootCrl = await verify(fx().leaves[0].file, ["issuing-before.crl"]);
    expect(missingRootCrl.output).toMatch(/unable to get certificate CRL/);
  });

  it("openssl keeps the CSR subject bytes and reads the profile", async () => {
    const leaf = fx().leaves[0];
    const text = await openssl(["x509", "-in", leaf.file, "-noout", "-text", "-nameopt", "utf8,sep_comma_plus"], fx().dir);
    expect(text.output).toContain("Subject: C=DE,O=Zahlungsdienst Müller GmbH,OU=Payments,CN=partner-rsa-2048");
    expect(text.output).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text.output).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text.output).toMatch(/TLS Web Client Authentication/);
    expect(text.output).toContain("DNS:client.partner.example, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:7");
    expect(text.output).toContain("URI:http://pki.keyport.example/crl/issuing.crl");
    expect(text.output).toContain("CA Issuers - URI:http://pki.keyport.example/ca/issuing.cer");
  });

  it.skipIf(!hasCerttool)("GnuTLS certtool verifies the chain and the CRLs (when gnutls-bin is installed)", async () => {
    const f = fx();
    const chain = file(f.dir, "chain-leaf-first.pem", chainToPem([f.leaves[2].der, f.h.issuing.cert.der]));
    const certtool = (...args: string[]) => runTool("certtool", args, { cwd: f.dir });
    const [chainResult, crlResult] = await Promise.all([
      certtool("--verify", "--load-ca-certificate", "root.pem", "--infile", chain),
      certtool("--verify-crl", "--infile", "issuing-after.crl", "--load-ca-certificate", "issuing.pem"),
    ]);
    expect(chainResult.code, chainResult.output).toBe(0);
    expect(chainResult.output).toMatch(/Chain verification output: Verified/);
    expect(crlResult.code, crlResult.output).toBe(0);
    expect(crlResult.output).toMatch(/Revoked certificates \(3\)/);
    expect(crlResult.output).toMatch(/Verification output: Verified/);
  });

  it("openssl crl -verify accepts both CRLs", async () => {
    const results = await Promise.all([
      openssl(["crl", "-in", "root.crl", "-CAfile", "root.pem", "-noout", "-verify"], fx().dir),
      openssl(["crl", "-in", "issuing-after.crl", "-CAfile", "issuing.pem", "-noout", "-verify"], fx().dir),
      openssl(["crl", "-in", "issuing-after.crl", "-noout", "-text"], fx().dir),
    ]);
    expect(results[0].output).toMatch(/verify OK/);
    expect(results[1].output).toMatch(/verify OK/);
    expect(results[2].output).toMatch(/Version 2/);
    expect(results[2].output).toMatch(/X509v3 CRL Number:\s+2/);
    expect(results[2].output.match(/Serial Number:/g)).toHaveLength(3);
  });

  it("openssl pkcs7 -print_certs reads the CA chain .p7b", async () => {
    const p7b = file(fx().dir, "ca-chain.p7b", pkcs7ToPem(buildCertsOnlyPkcs7([fx().h.issuing.cert.der, fx().h.root.cert.der])));
    const der = file(fx().dir, "ca-chain-der.p7b", buildCertsOnlyPkcs7([fx().h.issuing.cert.der, fx().h.root.cert.der]));
    const [pem, raw] = await Promise.all([openssl(["pkcs7", "-print_certs", "-in", p7b, "-noout"]), openssl(["pkcs7", "-print_certs", "-inform", "DER", "-in", der, "-noout"])]);
    for (const r of [pem, raw]) {
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain(`subject=C = DE, O = Keyport Test, CN = Keyport Test Issuing ${caKeyType}`);
      expect(r.output).toContain(`subject=C = DE, O = Keyport Test, CN = Keyport Test Root ${caKeyType}`);
    }
  });

  it("PKCS#12 truststore: openssl pkcs12 -info -nokeys and keytool (trustedCertEntry)", async () => {
    const p12 = file(fx().dir, "truststore.p12", await buildTruststorePkcs12({ certificatesDer: [fx().h.root.cert.der, fx().h.issuing.cert.der], password: P12_PASSWORD }));
    const [info, keytool] = await Promise.all([
      openssl(["pkcs12", "-info", "-nokeys", "-in", p12, "-passin", `pass:${P12_PASSWORD}`]),
      runTool("keytool", ["-list", "-storetype", "PKCS12", "-keystore", p12, "-storepass", P12_PASSWORD]),
    ]);
    expect(info.code, info.output).toBe(0);
    expect(info.output).toMatch(/MAC: sha256/);
    expect(info.output).toMatch(/PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC/);
    expect(info.output.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    expect(keytool.code, keytool.output).toBe(0);
    expect(keytool.output).toMatch(/contains 2 entries/);
    expect(keytool.output.match(/trustedCertEntry/g)).toHaveLength(2);
    expect(keytool.output).toContain(`keyport test root ${caKeyType}`);
  });

  it("PKCS#12 key + chain: openssl pkcs12 -info -nodes and keytool (PrivateKeyEntry)", async () => {
    const leaf = fx().tlsClient;
    const p12 = file(
      fx().dir,
      "client.p12",
      await buildKeyAndChainPkcs12({ privateKeyPkcs8Der: leaf.key.pkcs8Der, certificateDer: leaf.der, chainDer: [fx().h.issuing.cert.der, fx().h.root.cert.der], password: P12_PASSWORD }),
    );
    const [info, keytool] = await Promise.all([
      openssl(["pkcs12", "-info", "-nodes", "-in", p12, "-passin", `pass:${P12_PASSWORD}`]),
      runTool("keytool", ["-list", "-storetype", "PKCS12", "-keystore", p12, "-storepass", P12_PASSWORD]),
    ]);
    expect(info.code, info.output).toBe(0);
    expect(info.output).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 200000, PRF hmacWithSHA256/);
    expect(info.output).toMatch(/friendlyName: partner-/);
    expect(info.output).toMatch(/localKeyID: /);
    expect(info.output.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(3);
    // The key OpenSSL decrypts is the key OpenSSL generated.
    const keyBlock = pemDecodeAll(info.stdout).find((b) => b.label === "PRIVATE KEY");
    expect(Buffer.from(keyBlock?.der ?? []).equals(Buffer.from(leaf.key.pkcs8Der))).toBe(true);
    expect(keytool.code, keytool.output).toBe(0);
    expect(keytool.output).toMatch(/PrivateKeyEntry/);
  });

  it("mutual TLS: Node's https server accepts an issued client (Node and curl) and refuses a revoked one", async () => {
    const f = fx();
    const serverKey = await generateNodeKeyPair("ecdsa-p256");
    const server = await issue(f.h, { subjectDer: buildName({ CN: "127.0.0.1" }), spkiDer: serverKey.spkiDer, keyType: "ec" }, ["serverAuth"], { dns: ["localhost"], ip: ["127.0.0.1"] });
    const rootPem = pemEncode("CERTIFICATE", f.h.root.cert.der);
    const tlsOptions = {
      key: serverKey.privateKey.export({ format: "pem", type: "pkcs8" }),
      cert: chainToPem([server.der, f.h.issuing.cert.der]),
      requestCert: true,
      ca: [rootPem, pemEncode("CERTIFICATE", f.h.issuing.cert.der)],
      // Node (like nginx) needs a CRL for EVERY CA in the chain once any CRL is given.
      crl: [f.rootCrl, f.crlAfter],
    };
    // The server under test refuses unauthorised clients in the handshake; a twin with
    // rejectUnauthorized: false reports OpenSSL's verdict, to show the refusal is the revocation.
    const strict: Server = createServer({ ...tlsOptions, rejectUnauthorized: true }, (req, res) => {
      res.end(`hello ${(req.socket as TLSSocket).getPeerCertificate().subject?.CN}`);
    });
    const diagnostic: Server = createServer({ ...tlsOptions, rejectUnauthorized: false }, (req, res) => {
      const socket = req.socket as TLSSocket;
      res.end(`${socket.authorized}:${socket.authorizationError ?? ""}`);
    });
    const listen = async (s: Server) => {
      await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
      return (s.address() as AddressInfo).port;
    };
    const [port, diagnosticPort] = [await listen(strict), await listen(diagnostic)];
    try {
      const p12For = async (leaf: Leaf, name: string) => {
        const der = await buildKeyAndChainPkcs12({ privateKeyPkcs8Der: leaf.key.pkcs8Der, certificateDer: leaf.der, chainDer: [f.h.issuing.cert.der], password: P12_PASSWORD, iterations: 100_000 });
        return { der, path: file(f.dir, name, der) };
      };
      const good = await p12For(f.tlsClient, "tls-good.p12");
      const revoked = await p12For(f.leaves[1], "tls-revoked.p12");
      const get = (pfx: Uint8Array, toPort = port) =>
        new Promise<{ status?: number; body: string }>((resolve, reject) => {
          const req = request({ host: "127.0.0.1", port: toPort, path: "/", pfx: Buffer.from(pfx), passphrase: P12_PASSWORD, ca: rootPem, agent: false }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (body += c));
            res.on("end", () => resolve({ status: res.statusCode, body }));
            res.on("error", reject);
          });
          req.on("error", reject);
          req.end();
        });
      expect(await get(good.der)).toEqual({ status: 200, body: `hello partner-${f.tlsClient.key.name}` });
      // TLS 1.3: the server verifies the client certificate after the client's Finished and drops the connection.
      await expect(get(revoked.der)).rejects.toThrow();
      expect((await get(good.der, diagnosticPort)).body).toBe("true:");
      expect((await get(revoked.der, diagnosticPort)).body).toBe("false:CERT_REVOKED");

      const curl = (p12: string) =>
        runTool("curl", ["--silent", "--show-error", "--max-time", "20", "--cacert", join(f.dir, "root.pem"), "--cert-type", "P12", "--cert", `${p12}:${P12_PASSWORD}`, `https://127.0.0.1:${port}/`]);
      const [curlGood, curlRevoked] = await Promise.all([curl(good.path), curl(revoked.path)]);
      expect(curlGood.code, curlGood.output).toBe(0);
      expect(curlGood.stdout).toBe(`hello partner-${f.tlsClient.key.name}`);
      expect(curlRevoked.code, curlRevoked.output).not.toBe(0);
      expect(curlRevoked.stdout).toBe("");
    } finally {
      await Promise.all([strict, diagnostic].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
  });
});
