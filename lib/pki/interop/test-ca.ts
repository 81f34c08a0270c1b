// Test and bench support: a root + issuing CA hierarchy on node:crypto keys.
import { buildCaCertificate } from "../cert/ca-certificate";
import { issueLeafCertificate, type IssuedCertificate, type IssueLeafParams } from "../cert/leaf-certificate";
import { buildName } from "../cert/name";
import { randomSerial } from "../cert/serial";
import type { CaKeyType, Signer } from "../cert/signer";
import { generateNodeKeyPair, nodeSigner, type NodeKeyPair } from "./node-signer";

export interface TestCa {
  key: NodeKeyPair;
  cert: IssuedCertificate;
  signer: Signer;
}

export interface TestHierarchy {
  keyType: CaKeyType;
  root: TestCa;
  issuing: TestCa;
}

const DAY = 86_400_000;

export async function createTestHierarchy(
  keyType: CaKeyType,
  options: { now?: Date; rootDays?: number; issuingDays?: number; rootCrlUrl?: string; label?: string; keys?: [NodeKeyPair, NodeKeyPair] } = {},
): Promise<TestHierarchy> {
  const now = options.now ?? new Date();
  const label = options.label ?? keyType;
  const [rootKey, issuingKey] = options.keys ?? (await Promise.all([generateNodeKeyPair(keyType), generateNodeKeyPair(keyType)]));
  const rootSigner = nodeSigner(keyType, rootKey.privateKey);
  const root = await buildCaCertificate({
    subject: { C: "DE", O: "Keyport Test", CN: `Keyport Test Root ${label}` },
    spkiDer: rootKey.spkiDer,
    issuer: "self",
    signer: rootSigner,
    serial: randomSerial(),
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + (options.rootDays ?? 3650) * DAY),
  });
  const issuing = await buildCaCertificate({
    subject: { C: "DE", O: "Keyport Test", CN: `Keyport Test Issuing ${label}` },
    spkiDer: issuingKey.spkiDer,
    issuer: { certDer: root.der },
    signer: rootSigner,
    serial: randomSerial(),
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + (options.issuingDays ?? 1825) * DAY),
    crlUrl: options.rootCrlUrl,
  });
  return {
    keyType,
    root: { key: rootKey, cert: root, signer: rootSigner },
    issuing: { key: issuingKey, cert: issuing, signer: nodeSigner(keyType, issuingKey.privateKey) },
  };
}

/** A one-day clientAuth leaf for `key` under the hierarchy's issuing CA, subject CN=`cn`, no SANs. */
export async function issueTestLeaf(h: TestHierarchy, key: NodeKeyPair, cn: string): Promise<Uint8Array> {
  const { der } = await issueLeafCertificate({
    subjectDer: buildName({ CN: cn }),
    spkiDer: key.spkiDer,
    issuerCertDer: h.issuing.cert.der,
    signer: h.issuing.signer,
    serial: randomSerial(),
    notBefore: new Date(),
    notAfter: new Date(Date.now() + DAY),
    keyType: key.publicKey.asymmetricKeyType === "rsa" ? "rsa" : "ec",
    extendedKeyUsage: ["clientAuth"],
    sans: { dns: [], ip: [] },
  });
  return der;
}

/** Ordinary leaf parameters under `h`'s issuing CA (a client certificate valid a year), for tests to vary. */
export function leafParams(h: TestHierarchy, key: NodeKeyPair, overrides: Partial<IssueLeafParams> = {}): IssueLeafParams {
  const now = new Date();
  return {
    subjectDer: buildName({ CN: "client-01", O: "Partner GmbH", C: "DE" }),
    spkiDer: key.spkiDer,
    issuerCertDer: h.issuing.cert.der,
    signer: h.issuing.signer,
    serial: randomSerial(),
    notBefore: now,
    notAfter: new Date(now.getTime() + 365 * DAY),
    keyType: key.publicKey.asymmetricKeyType === "rsa" ? "rsa" : "ec",
    extendedKeyUsage: ["clientAuth"],
    sans: { dns: [], ip: [] },
    ...overrides,
  };
}
