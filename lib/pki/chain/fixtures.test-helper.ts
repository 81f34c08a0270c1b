// Test fixtures for chain validation: real CA hierarchies signed by node's OpenSSL through
// lib/pki's public builders (a partner's CA as Keyport would see it), and a few made by the
// openssl CLI where only it can make them (SHA-1 signatures, RSA-1024 keys).
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCaCertificate } from "../cert/ca-certificate";
import { issueLeafCertificate } from "../cert/leaf-certificate";
import { randomSerial } from "../cert/serial";
import { SIGNATURE_ALGORITHM_FOR_KEY_TYPE, type Signer } from "../cert/signer";
import { pemEncode } from "../pem";

const DAY = 86_400_000;

export type TestKey = { privateKey: KeyObject; spkiDer: Uint8Array; signer: Signer; pem: string };

export function testKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const alg = SIGNATURE_ALGORITHM_FOR_KEY_TYPE["ecdsa-p256"];
  return {
    privateKey,
    spkiDer: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    signer: { keyType: "ecdsa-p256", signatureAlgorithmOid: alg.oid, sign: (d) => new Uint8Array(nodeSign("sha256", d, privateKey)) },
    pem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  };
}

export type TestChain = {
  rootKey: TestKey;
  issuingKey: TestKey;
  serverKey: TestKey;
  root: Uint8Array;
  issuing: Uint8Array;
  server: Uint8Array;
  /** issuing then root, PEM */
  chainPem: string;
  serverPem: string;
};

/** A partner's hierarchy: root → issuing CA → server certificate for `hosts`. */
export async function makeTestChain(opts: { name?: string; hosts?: string[]; issuingNotBefore?: Date; issuingNotAfter?: Date; serverEku?: ("serverAuth" | "clientAuth")[] } = {}): Promise<TestChain> {
  const name = opts.name ?? "Partner";
  const now = Date.now();
  const rootKey = testKey();
  const issuingKey = testKey();
  const serverKey = testKey();
  const root = await buildCaCertificate({ subject: { CN: `${name} Root CA`, O: name }, spkiDer: rootKey.spkiDer, issuer: "self", signer: rootKey.signer, serial: randomSerial(), notBefore: new Date(now - 3 * 365 * DAY), notAfter: new Date(now + 10 * 365 * DAY) });
  const issuing = await buildCaCertificate({
    subject: { CN: `${name} Server CA`, O: name },
    spkiDer: issuingKey.spkiDer,
    issuer: { certDer: root.der },
    signer: rootKey.signer,
    serial: randomSerial(),
    notBefore: opts.issuingNotBefore ?? new Date(now - DAY),
    notAfter: opts.issuingNotAfter ?? new Date(now + 5 * 365 * DAY),
  });
  const server = await issueLeafCertificate({
    subjectDer: (await import("../cert/name")).buildName({ CN: (opts.hosts ?? ["localhost"])[0], O: name }),
    spkiDer: serverKey.spkiDer,
    issuerCertDer: issuing.der,
    signer: issuingKey.signer,
    serial: randomSerial(),
    notBefore: new Date(Math.min(now - DAY, issuing.notBefore.getTime() + 3_600_000)),
    notAfter: new Date(Math.min(now + 365 * DAY, issuing.notAfter.getTime())),
    keyType: "ec",
    extendedKeyUsage: opts.serverEku ?? ["serverAuth"],
    sans: { dns: (opts.hosts ?? ["localhost"]).filter((h) => !/^[\d.]+$/.test(h)), ip: (opts.hosts ?? ["localhost"]).filter((h) => /^[\d.]+$/.test(h)) },
  });
  return {
    rootKey,
    issuingKey,
    serverKey,
    root: root.der,
    issuing: issuing.der,
    server: server.der,
    chainPem: pemEncode("CERTIFICATE", issuing.der) + pemEncode("CERTIFICATE", root.der),
    serverPem: pemEncode("CERTIFICATE", server.der),
  };
}

/** Run openssl in a temp dir; returns the named output files' text. */
export function openssl(script: (run: (...args: string[]) => void, dir: string) => void, outputs: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "keyport-chain-"));
  try {
    writeFileSync(join(dir, "ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
    script((...args) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" }), dir);
    return Object.fromEntries(outputs.map((o) => [o, readFileSync(join(dir, o), "utf8")]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A partner's CA signs a CSR with the real openssl CLI (`openssl x509 -req`), as a partner would:
 * `eku` (default clientAuth; "none" for no extendedKeyUsage), `days`, and for refusal tests a
 * replaced subject (`subj`) or public key (`forcePubkeyPem`).
 */
export function opensslSignCsr(csrPem: string, ca: { certDer: Uint8Array; key: TestKey }, opts: { days?: number; eku?: string; subj?: string; forcePubkeyPem?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "keyport-sign-"));
  try {
    writeFileSync(join(dir, "r.csr"), csrPem);
    writeFileSync(join(dir, "ca.pem"), pemEncode("CERTIFICATE", ca.certDer));
    writeFileSync(join(dir, "ca.key"), ca.key.pem);
    const eku = opts.eku ?? "clientAuth";
    writeFileSync(join(dir, "ext"), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n${eku === "none" ? "" : `extendedKeyUsage=${eku}\n`}`);
    const extra: string[] = [];
    if (opts.subj) extra.push("-subj", opts.subj);
    if (opts.forcePubkeyPem) {
      writeFileSync(join(dir, "pub.pem"), opts.forcePubkeyPem);
      extra.push("-force_pubkey", join(dir, "pub.pem"));
    }
    execFileSync("openssl", ["x509", "-req", "-in", join(dir, "r.csr"), "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"), "-set_serial", `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`, "-days", String(opts.days ?? 365), "-sha256", "-extfile", join(dir, "ext"), ...extra, "-out", join(dir, "c.pem")], { stdio: "pipe" });
    return readFileSync(join(dir, "c.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
