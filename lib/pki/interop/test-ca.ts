// Test and bench support: a root + issuing CA hierarchy on node:crypto keys.
import { buildCaCertificate } from "../cert/ca-certificate";
import type { IssuedCertificate } from "../cert/leaf-certificate";
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
