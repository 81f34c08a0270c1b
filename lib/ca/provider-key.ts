// Provider client certificates whose key Keyport generates (issue 17, item 2): the key is made
// here, sealed under the master key (AES-256-GCM, the certificate's id as associated data), and
// leaves only once, inside a password-protected PKCS#12 for an admin; then the sealed copy is erased.
import { generateKeyPairSync } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { AppError } from "@/lib/errors";
import { buildName } from "@/lib/pki/cert/name";
import { buildKeyAndChainPkcs12 } from "@/lib/pki/pkcs12/build-pkcs12";
import { signLeaf } from "./authority";
import { loadMasterKey } from "./master-key";
import { openPrivateKey, sealPrivateKey } from "./key-vault";

const sealId = (certificateId: string) => `provider-key:${certificateId}`;

/** Generate a P-256 key, issue its clientAuth certificate under the provider client CA, seal the key. */
export async function issueWithGeneratedKey(tx: Tx, params: { env: { id: string; code: string }; commonName: string; profileCode: string; validityDays: number }) {
  const master = loadMasterKey();
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spkiDer = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const { createHash } = await import("node:crypto");
  const cert = await signLeaf(tx, {
    env: params.env,
    orgId: null,
    profileCode: params.profileCode,
    subjectDer: buildName({ CN: params.commonName, O: process.env.KEYPORT_PROVIDER_NAME?.trim() || "Keyport" }),
    spkiDer,
    keyType: "ec",
    publicKeyFingerprint: createHash("sha256").update(spkiDer).digest("hex"),
    validityDays: params.validityDays,
    extendedKeyUsage: ["clientAuth"],
    sans: { dns: [], ip: [] },
    caKind: "provider_client",
  });
  await tx.providerKey.create({ data: { certificateId: cert.id, encryptedKey: toDbBytes(sealPrivateKey(privateKey, sealId(cert.id), master)), masterKeyId: master.id } });
  return cert;
}

/** The one download: PKCS#12 (key, certificate, provider client CA) under the admin's password; the sealed key is erased. */
export async function takeProviderKeyOnce(tx: Tx, certificateId: string, password: string, downloadedById: string | null): Promise<Uint8Array> {
  const locked = await tx.$queryRaw<{ certificate_id: string }[]>`SELECT certificate_id FROM provider_keys WHERE certificate_id = ${certificateId}::uuid FOR UPDATE`;
  if (!locked.length) throw new AppError("not_found", `No Keyport-generated key for certificate "${certificateId}".`);
  const row = await tx.providerKey.findUniqueOrThrow({ where: { certificateId }, include: { certificate: { include: { ca: { select: { certDer: true } } } } } });
  if (row.downloadedAt) throw new AppError("conflict", `This key was downloaded at ${row.downloadedAt.toISOString()} and erased from Keyport; it cannot be downloaded again. Issue a new certificate if it is lost.`);
  const key = openPrivateKey(row.encryptedKey, sealId(certificateId), loadMasterKey(), row.masterKeyId);
  const pkcs8 = new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
  try {
    const p12 = await buildKeyAndChainPkcs12({ privateKeyPkcs8Der: pkcs8, certificateDer: new Uint8Array(row.certificate.der), chainDer: [new Uint8Array(row.certificate.ca.certDer)], password });
    await tx.providerKey.update({ where: { certificateId }, data: { downloadedAt: new Date(), downloadedById, encryptedKey: toDbBytes(new Uint8Array(0)) } });
    return p12;
  } finally {
    pkcs8.fill(0);
  }
}
