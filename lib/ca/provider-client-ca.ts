// The provider's client CA of an environment (issue 17, item 2): a self-signed CA with
// pathLenConstraint 0 that signs only the provider's own outbound client certificates. Partners
// trust it (and only it) for calls from the provider; it is apart from the root/issuing CA that
// signs partners' client certificates, so one partner's certificate is never accepted by another
// partner's server. Its key is sealed like every CA key (key-vault.ts); its CRL is published at
// /crl/{ENV}-provider-client.crl and renewed by `keyport jobs run` with the others.
import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { buildCaCertificate } from "@/lib/pki/cert/ca-certificate";
import { parseCertificateInfo } from "@/lib/pki/cert/certificate-info";
import { randomSerial } from "@/lib/pki/cert/serial";
import type { CaKeyType } from "@/lib/pki/cert/signer";
import { ISSUING_VALIDITY_DAYS, loadMasterKeyForNewCa, regenerateCrl } from "./authority";
import { generateCaKey, makeSigner } from "./keys";
import { sealPrivateKey } from "./key-vault";

const DAY = 86_400_000;

export async function initProviderClientCa(tx: Tx, actor: Actor, env: { id: string; code: string }, keyType: CaKeyType) {
  const existing = await tx.certificateAuthority.findFirst({ where: { envId: env.id, active: true, kind: "provider_client" } });
  if (existing) throw new AppError("conflict", `Environment ${env.code} already has a provider client CA (${existing.subject}).`);
  const master = await loadMasterKeyForNewCa(tx);
  const key = await generateCaKey(keyType);
  const provider = process.env.KEYPORT_PROVIDER_NAME?.trim() || "Keyport";
  const now = new Date();
  const cert = await buildCaCertificate({
    subject: { CN: `${provider} ${env.code} Provider Client CA`, O: provider },
    spkiDer: key.spkiDer,
    issuer: "self",
    signer: makeSigner(key.privateKey, keyType),
    serial: randomSerial(),
    notBefore: now,
    notAfter: new Date(now.getTime() + ISSUING_VALIDITY_DAYS * DAY),
    // It signs end-entity certificates only.
    pathLength: 0,
  });
  const info = await parseCertificateInfo(cert.der);
  const id = randomUUID();
  const row = await tx.certificateAuthority.create({
    data: {
      id,
      envId: env.id,
      kind: "provider_client",
      keyType,
      subject: info.subjectString,
      serialHex: info.serialHex,
      ski: info.ski ?? "",
      notBefore: info.notBefore,
      notAfter: info.notAfter,
      certDer: toDbBytes(cert.der),
      encryptedKey: toDbBytes(sealPrivateKey(key.privateKey, id, master)),
      masterKeyId: master.id,
    },
    select: { id: true, subject: true, serialHex: true, notAfter: true },
  });
  await regenerateCrl(tx, actor, row.id);
  await recordAudit(tx, actor, { action: "ca.init-provider-client", targetType: "ca", targetId: row.id, details: { env: env.code, keyType, subject: row.subject } });
  return row;
}

/** The environment's active provider client CA (public parts), or null. */
export async function findProviderClientCa(tx: Pick<Tx, "certificateAuthority">, envId: string) {
  return tx.certificateAuthority.findFirst({
    where: { envId, active: true, kind: "provider_client" },
    select: { id: true, subject: true, serialHex: true, notBefore: true, notAfter: true, certDer: true, keyType: true },
  });
}
