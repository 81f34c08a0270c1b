// The connectivity listener's server certificate and key: one per environment, shared by every
// Keyport instance. The key is generated here, sealed under the master key (AES-256-GCM, the
// credential's id as associated data: lib/ca/key-vault.ts) and stored beside the certificate; the
// job engine renews it before it expires (listener-certificate-renewal) and each instance's listener
// reloads it (lib/connectivity/listener.ts). Only this module opens the key, and only to hand the
// TLS server its own credential; it is never logged or returned by any route.
import { createHash, generateKeyPairSync } from "node:crypto";
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
/** The profile code of the listener's certificates (a service certificate: no organisation). */
export const CONNECTIVITY_SERVER_PROFILE = "connectivity-server";
/** The listener's server certificate lives 30 days and is replaced when less than 10 are left. */
export const SERVER_CERT_VALIDITY_DAYS = 30;
export const SERVER_CERT_RENEW_BEFORE_MS = 10 * DAY;

export type ListenerNames = { dns: string[]; ip: string[] };
export type ListenerCertificate = { id: string; serial: string; notAfter: Date };
/** What a TLS server needs: its key and certificate chain (PEM), and which certificate that is. */
export type ListenerMaterial = { key: string; certChainPem: string; certificate: ListenerCertificate };

const sealId = (envId: string) => `listener:${envId}`;
/** A certificate starts at `now`, never in the future (tests pass a past `now` to make an aged one). */
const issueAt = (now: Date) => (now.getTime() < Date.now() ? now : new Date());

function namesOf(json: unknown): ListenerNames {
  const o = (json ?? {}) as Partial<ListenerNames>;
  return { dns: Array.isArray(o.dns) ? o.dns.map(String) : [], ip: Array.isArray(o.ip) ? o.ip.map(String) : [] };
}

const covers = (have: ListenerNames, want: ListenerNames) => want.dns.every((d) => have.dns.includes(d)) && want.ip.every((i) => have.ip.includes(i));
const union = (a: ListenerNames, b: ListenerNames): ListenerNames => ({ dns: [...new Set([...a.dns, ...b.dns])], ip: [...new Set([...a.ip, ...b.ip])] });

type Row = {
  certificateId: string;
  names: unknown;
  masterKeyId: string;
  certificate: { serialHex: string; notAfter: Date; revokedAt: Date | null; caId: string; ca: { notAfter: Date; active: boolean } };
};

/** Why the stored credential must be replaced at `now` (null: it serves as it is). */
function renewalReason(row: Row | null, want: ListenerNames, masterKeyId: string, now: Date): string | null {
  if (!row) return "none yet";
  const c = row.certificate;
  if (c.revokedAt) return "revoked";
  if (!c.ca.active) return "its CA was replaced";
  if (row.masterKeyId !== masterKeyId) return "sealed under another master key";
  if (!covers(namesOf(row.names), want)) return "names missing";
  // Due, unless a certificate issued now would not last meaningfully longer (the issuing CA ends
  // first, or it was just renewed).
  const wouldEnd = Math.min(issueAt(now).getTime() + SERVER_CERT_VALIDITY_DAYS * DAY, c.ca.notAfter.getTime());
  if (c.notAfter.getTime() - now.getTime() < SERVER_CERT_RENEW_BEFORE_MS && wouldEnd - c.notAfter.getTime() > DAY) return "due";
  return null;
}

const rowSelect = {
  certificateId: true,
  names: true,
  masterKeyId: true,
  certificate: { select: { serialHex: true, notAfter: true, revokedAt: true, caId: true, ca: { select: { notAfter: true, active: true } } } },
} as const;

async function issue(tx: Tx, actor: Actor, env: { id: string; code: string }, names: ListenerNames, renews: string | null, reason: string, at: Date) {
  const master = loadMasterKey();
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spkiDer = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const cert = await signLeaf(tx, {
    env,
    orgId: null,
    renewsCertificateId: renews,
    profileCode: CONNECTIVITY_SERVER_PROFILE,
    subjectDer: buildName({ CN: `keyport-connectivity-${env.code.toLowerCase()}`, O: process.env.KEYPORT_PROVIDER_NAME?.trim() || "Keyport" }),
    spkiDer,
    keyType: "ec",
    publicKeyFingerprint: createHash("sha256").update(spkiDer).digest("hex"),
    validityDays: SERVER_CERT_VALIDITY_DAYS,
    extendedKeyUsage: ["serverAuth"],
    sans: names,
    at,
  });
  const data = { certificateId: cert.id, encryptedKey: toDbBytes(sealPrivateKey(privateKey, sealId(env.id), master)), masterKeyId: master.id, names };
  await tx.listenerCredential.upsert({ where: { envId: env.id }, create: { envId: env.id, ...data }, update: data });
  await recordAudit(tx, actor, {
    action: "certificate.issue",
    targetType: "certificate",
    targetId: cert.id,
    details: { purpose: "connectivity listener server certificate", environment: env.code, serial: cert.serialHex, reason, ...(renews ? { renews } : {}) },
  });
}

/**
 * The environment's listener credential, issued or renewed first when there is none, it is due,
 * revoked, under a replaced CA or another master key, or lacks one of `names` (a new one then names
 * the union, so instances with different host names share one). Under a per-environment advisory
 * lock, so any number of instances and the renewal job issue one certificate between them.
 * Returns the certificate's id, and `open()` for the TLS material (decrypting the key only then).
 */
export async function ensureListenerCredential(
  env: { id: string; code: string },
  names: ListenerNames,
  actor: Actor,
  now: Date = new Date(),
): Promise<{ certificate: ListenerCertificate; issued: boolean; open: () => Promise<ListenerMaterial> }> {
  const db = getDb();
  const masterKeyId = loadMasterKey().id;
  // Most calls find it current: decide that without locks.
  let row = await db.listenerCredential.findUnique({ where: { envId: env.id }, select: rowSelect });
  let issued = false;
  if (renewalReason(row, names, masterKeyId, now) !== null) {
    issued = await db.$transaction(
      async (tx) => {
        // Before signLeaf's audit lock: the only lock order this key is taken in.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`keyport:listener:${env.id}`}))`;
        const current = await tx.listenerCredential.findUnique({ where: { envId: env.id }, select: rowSelect });
        const reason = renewalReason(current, names, masterKeyId, now);
        if (reason === null) return false;
        const keep = current ? namesOf(current.names) : { dns: [], ip: [] };
        await issue(tx, actor, env, union(keep, names), current?.certificateId ?? null, reason, issueAt(now));
        return true;
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    row = await db.listenerCredential.findUniqueOrThrow({ where: { envId: env.id }, select: rowSelect });
  }
  const r = row!;
  const certificate = { id: r.certificateId, serial: r.certificate.serialHex, notAfter: r.certificate.notAfter };
  return { certificate, issued, open: () => openListenerMaterial(env.id) };
}

/** The stored credential's TLS material (if it was renewed since, the newer one: key and certificate belong together). */
async function openListenerMaterial(envId: string): Promise<ListenerMaterial> {
  const db = getDb();
  const row = await db.listenerCredential.findUniqueOrThrow({
    where: { envId },
    select: { certificateId: true, encryptedKey: true, masterKeyId: true, certificate: { select: { serialHex: true, notAfter: true, der: true, ca: { select: { certDer: true } } } } },
  });
  const key = openPrivateKey(row.encryptedKey, sealId(envId), loadMasterKey(), row.masterKeyId);
  return {
    key: key.export({ type: "pkcs8", format: "pem" }) as string,
    certChainPem: chainToPem([new Uint8Array(row.certificate.der), new Uint8Array(row.certificate.ca.certDer)]),
    certificate: { id: row.certificateId, serial: row.certificate.serialHex, notAfter: row.certificate.notAfter },
  };
}

/**
 * The renewal job: every stored listener credential that is due (or revoked, or under a replaced CA)
 * is renewed with the names it already has; the listeners of every instance pick it up when they
 * next reload. Environments without a listener have no row and are skipped.
 */
export async function renewDueListenerCredentials(actor: Actor, now: Date = new Date()) {
  const db = getDb();
  const rows = await db.listenerCredential.findMany({ select: { names: true, env: { select: { id: true, code: true } } }, orderBy: { envId: "asc" } });
  const report: { environment: string; action: "renewed" | "fresh"; serial: string }[] = [];
  for (const r of rows) {
    const got = await ensureListenerCredential(r.env, namesOf(r.names), actor, now);
    report.push({ environment: r.env.code, action: got.issued ? "renewed" : "fresh", serial: got.certificate.serial });
  }
  return report;
}
