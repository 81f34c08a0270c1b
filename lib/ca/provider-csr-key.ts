// Keys of the provider's CSRs that partners sign (issue 17, item 3), when Keyport generates them
// for a gateway that cannot: a P-256 key and its CSR are made here, the key sealed under the master
// key (AES-256-GCM, the CSR row's id as associated data). It leaves once, after the partner's
// certificate is accepted, inside a password-protected PKCS#12 for an admin; then the sealed copy is erased.
import { createPrivateKey, randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { AppError } from "@/lib/errors";
import { generateKeyAndCsr } from "@/lib/pki/keygen/generate";
import { buildKeyAndChainPkcs12 } from "@/lib/pki/pkcs12/build-pkcs12";
import { loadMasterKey } from "./master-key";
import { openPrivateKey, sealPrivateKey } from "./key-vault";

const sealId = (csrId: string) => `provider-csr-key:${csrId}`;

/** A new key and CSR for `subject`; returns the row id to use, the CSR and the sealed key. */
export async function generateSealedCsr(subject: { type: string; value: string }[]) {
  const master = loadMasterKey();
  const made = await generateKeyAndCsr({ keyType: "ecdsa-p256", subject });
  const id = randomUUID();
  try {
    const key = createPrivateKey({ key: Buffer.from(made.privateKeyPkcs8Der), format: "der", type: "pkcs8" });
    // `sealed` is spread into the provider_csrs row as it is: services store it, never look inside.
    return { id, csrDer: made.csrDer, sealed: { encryptedKey: toDbBytes(sealPrivateKey(key, sealId(id), master)), masterKeyId: master.id } };
  } finally {
    made.privateKeyPkcs8Der.fill(0);
  }
}

/** The columns that erase a CSR's sealed key (a cancelled CSR keeps nothing to open). */
export const ERASED_CSR_KEY = { encryptedKey: null } as const;

/** The one download: PKCS#12 (key, the partner-signed certificate, the partner's chain) under the admin's password; the sealed key is erased. */
export async function takeProviderCsrKeyOnce(tx: Tx, csrId: string, password: string): Promise<Uint8Array> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM provider_csrs WHERE id = ${csrId}::uuid FOR UPDATE`;
  if (!locked.length) throw new AppError("not_found", `No provider CSR with id "${csrId}".`);
  const row = await tx.providerCsr.findUniqueOrThrow({ where: { id: csrId } });
  if (row.keySource !== "keyport") throw new AppError("conflict", "This CSR's key was made on the provider's gateway; Keyport never held it.");
  if (row.keyDownloadedAt) throw new AppError("conflict", `This key was downloaded at ${row.keyDownloadedAt.toISOString()} and erased from Keyport; it cannot be downloaded again. Create a new CSR if it is lost.`);
  if (!row.certDer || !row.encryptedKey || !row.masterKeyId) throw new AppError("conflict", "The partner has not uploaded the signed certificate yet: the key is downloadable together with it.");
  const chain = row.serverChainId ? await tx.partnerServerChain.findUnique({ where: { id: row.serverChainId }, select: { chainDer: true } }) : null;
  const key = openPrivateKey(row.encryptedKey, sealId(csrId), loadMasterKey(), row.masterKeyId);
  const pkcs8 = new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
  try {
    const p12 = await buildKeyAndChainPkcs12({ privateKeyPkcs8Der: pkcs8, certificateDer: new Uint8Array(row.certDer), chainDer: (chain?.chainDer ?? []).map((d) => new Uint8Array(d)), password });
    await tx.providerCsr.update({ where: { id: csrId }, data: { keyDownloadedAt: new Date(), encryptedKey: toDbBytes(new Uint8Array(0)) } });
    return p12;
  } finally {
    pkcs8.fill(0);
  }
}

/** What a list of provider CSRs leaves in the table: the sealed key (only this module reads it). */
export const PROVIDER_CSR_SEALED_KEY_OMIT = { encryptedKey: true } as const;
