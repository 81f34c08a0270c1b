// The readiness probe's client credential (issue 18, item 6): one clientAuth certificate per
// environment under the provider client CA, so a partner server that trusts that CA (and only it)
// accepts the probe as it accepts the provider's gateway. The key is generated here, sealed under
// the master key (AES-256-GCM, "probe:<envId>" as associated data: key-vault.ts), and opened only
// into a TLS secure context (an opaque native object); it is never logged, returned or downloaded.
// A new credential is issued when there is none, it is revoked, its CA was replaced, it is sealed
// under another master key or it has less than 10 days left.
import { createHash, generateKeyPairSync } from "node:crypto";
import { createSecureContext, type SecureContext } from "node:tls";
import { getDb, type Tx } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { chainToPem } from "@/lib/pki/cert/download-formats";
import { buildName } from "@/lib/pki/cert/name";
import { signLeaf } from "./authority";
import { loadMasterKey } from "./master-key";
import { openPrivateKey, sealPrivateKey } from "./key-vault";

const DAY = 86_400_000;
/** The profile code of the probe's certificates (a service certificate: no organisation). */
export const PROBE_CLIENT_PROFILE = "provider-probe";
export const PROBE_CERT_VALIDITY_DAYS = 90;
const RENEW_BEFORE_MS = 10 * DAY;

const sealId = (envId: string) => `probe:${envId}`;

const rowSelect = {
  certificateId: true,
  masterKeyId: true,
  certificate: { select: { serialHex: true, notAfter: true, revokedAt: true, ca: { select: { active: true } } } },
} as const;
type Row = { masterKeyId: string; certificate: { notAfter: Date; revokedAt: Date | null; ca: { active: boolean } } };

function renewalReason(row: Row | null, masterKeyId: string, now: Date): string | null {
  if (!row) return "none yet";
  if (row.certificate.revokedAt) return "revoked";
  if (!row.certificate.ca.active) return "its CA was replaced";
  if (row.masterKeyId !== masterKeyId) return "sealed under another master key";
  if (row.certificate.notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS) return "due";
  return null;
}

async function issue(tx: Tx, actor: Actor, env: { id: string; code: string }, renews: string | null, reason: string) {
  const master = loadMasterKey();
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spkiDer = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const cert = await signLeaf(tx, {
    env,
    orgId: null,
    renewsCertificateId: renews,
    profileCode: PROBE_CLIENT_PROFILE,
    subjectDer: buildName({ CN: `keyport-readiness-probe-${env.code.toLowerCase()}`, O: process.env.KEYPORT_PROVIDER_NAME?.trim() || "Keyport" }),
    spkiDer,
    keyType: "ec",
    publicKeyFingerprint: createHash("sha256").update(spkiDer).digest("hex"),
    validityDays: PROBE_CERT_VALIDITY_DAYS,
    extendedKeyUsage: ["clientAuth"],
    sans: { dns: [], ip: [] },
    caKind: "provider_client",
  });
  const data = { certificateId: cert.id, encryptedKey: toDbBytes(sealPrivateKey(privateKey, sealId(env.id), master)), masterKeyId: master.id };
  await tx.probeCredential.upsert({ where: { envId: env.id }, create: { envId: env.id, ...data }, update: data });
  await recordAudit(tx, actor, {
    action: "certificate.issue",
    targetType: "certificate",
    targetId: cert.id,
    details: { purpose: "readiness probe client certificate", environment: env.code, serial: cert.serialHex, reason, ...(renews ? { renews } : {}) },
  });
}

/**
 * A TLS secure context for probing one partner: the probe's client certificate and key (issued or
 * renewed first when needed, under a per-environment advisory lock) and, as the only trust
 * anchors, `trustPem` — the partner's endorsed chain. Throws AppError("conflict") when the
 * environment has no provider client CA.
 */
export async function probeSecureContext(env: { id: string; code: string }, actor: Actor, trustPem: string, now: Date = new Date()): Promise<{ context: SecureContext; clientSerial: string }> {
  const db = getDb();
  const masterKeyId = loadMasterKey().id;
  const current = await db.probeCredential.findUnique({ where: { envId: env.id }, select: rowSelect });
  if (renewalReason(current, masterKeyId, now) !== null) {
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`keyport:probe-credential:${env.id}`}))`;
        const row = await tx.probeCredential.findUnique({ where: { envId: env.id }, select: rowSelect });
        const reason = renewalReason(row, masterKeyId, now);
        if (reason !== null) await issue(tx, actor, env, row?.certificateId ?? null, reason);
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
  }
  const row = await db.probeCredential.findUniqueOrThrow({
    where: { envId: env.id },
    select: { encryptedKey: true, masterKeyId: true, certificate: { select: { serialHex: true, der: true, ca: { select: { certDer: true } } } } },
  });
  const key = openPrivateKey(row.encryptedKey, sealId(env.id), loadMasterKey(), row.masterKeyId);
  const context = createSecureContext({
    key: key.export({ type: "pkcs8", format: "pem" }) as string,
    cert: chainToPem([new Uint8Array(row.certificate.der), new Uint8Array(row.certificate.ca.certDer)]),
    ca: trustPem,
    minVersion: "TLSv1.2",
  });
  return { context, clientSerial: row.certificate.serialHex };
}
