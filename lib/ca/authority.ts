// Keyport's CAs: a root and an issuing CA (pathlen 0) per environment, each
// with its own key. This module is the only one that decrypts CA private keys;
// it hands lib/pki a signer and never returns or logs key material.
import { createHash, randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { referenceRow } from "@/lib/db/reference-data";
import { toDbBytes } from "@/lib/db/bytes";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { buildCaCertificate } from "@/lib/pki/cert/ca-certificate";
import { LintFailedError, issueLeafThroughPipeline, lintDraftLeaf } from "@/lib/pki/cert/leaf-pipeline";
import type { LintResult } from "@/lib/pki/lint/lint-tbs";
import { formatFingerprint, parseCertificateInfo } from "@/lib/pki/cert/certificate-info";
import { nameToString } from "@/lib/pki/cert/name";
import { randomSerial, serialFromHex } from "@/lib/pki/cert/serial";
import { buildCrl } from "@/lib/pki/crl/build-crl";
import type { CaKeyType, Signer } from "@/lib/pki/cert/signer";
import { generateCaKey, makeSigner } from "./keys";
import { type MasterKey, loadMasterKey } from "./master-key";
import { openPrivateKey, sealPrivateKey } from "./key-vault";

const DAY = 86_400_000;
export const ROOT_VALIDITY_DAYS = 20 * 365;
export const ISSUING_VALIDITY_DAYS = 10 * 365;
/** CRL lifetimes (RFC 5280 §5.1.2.5 nextUpdate); `keyport jobs run` renews them well before. */
export const CRL_VALIDITY = { issuing: 7 * DAY, root: 30 * DAY, provider_client: 7 * DAY } as const;

export function publicUrl(): string {
  return (process.env.KEYPORT_PUBLIC_URL ?? "http://localhost:3000").replace(/\/+$/, "");
}

export function caUrls(envCode: string) {
  const base = publicUrl();
  return {
    issuingCrl: `${base}/crl/${envCode}.crl`,
    rootCrl: `${base}/crl/${envCode}-root.crl`,
    issuingCert: `${base}/ca/${envCode}-issuing.cer`,
    rootCert: `${base}/ca/${envCode}-root.cer`,
    providerClientCrl: `${base}/crl/${envCode}-provider-client.crl`,
    providerClientCert: `${base}/ca/${envCode}-provider-client.cer`,
  };
}

function providerName(): string {
  return process.env.KEYPORT_PROVIDER_NAME?.trim() || "Keyport";
}

type CaRow = { id: string; keyType: string; encryptedKey: Uint8Array; masterKeyId: string; certDer: Uint8Array; notAfter: Date };

// Decrypted signers, per CA and master key: decrypting and checking a key costs more
// than signing a certificate. Keyed by the master key's id, so a changed or wrong
// master key is never masked by the cache. Holds KeyObjects only (never exported).
const signers = new Map<string, Signer>();

export function signerFor(ca: CaRow): Signer {
  const master = loadMasterKey();
  const cacheKey = `${ca.id}:${master.id}`;
  const cached = signers.get(cacheKey);
  if (cached) return cached;
  const key = openPrivateKey(ca.encryptedKey, ca.id, master, ca.masterKeyId);
  const signer = makeSigner(key, ca.keyType as CaKeyType);
  if (signers.size > 64) signers.clear();
  signers.set(cacheKey, signer);
  return signer;
}

/**
 * The master key for creating CAs: present, well-formed, and the one the install's existing CAs
 * are sealed under. All CAs of one install share one master key; a CA sealed under another would
 * leave whichever key is configured unable to open half of them.
 */
export async function loadMasterKeyForNewCa(db: Pick<Tx, "certificateAuthority">): Promise<MasterKey> {
  const master = loadMasterKey();
  const others = await db.certificateAuthority.findMany({
    where: { active: true, masterKeyId: { not: master.id } },
    select: { masterKeyId: true, env: { select: { code: true } } },
    orderBy: { createdAt: "asc" },
  });
  if (others.length) {
    const ids = [...new Set(others.map((o) => o.masterKeyId))];
    const envs = [...new Set(others.map((o) => o.env.code))];
    throw new AppError(
      "conflict",
      `The configured master key (id ${master.id}) is not the one the existing CAs are sealed under (id ${ids.join(", ")}; environment${envs.length > 1 ? "s" : ""} ${envs.join(", ")}). ` +
        "Set KEYPORT_MASTER_KEY or KEYPORT_MASTER_KEY_FILE to that key: all CAs of an install share one master key. Nothing was created.",
    );
  }
  return master;
}

/** Create the root and issuing CA of an environment, with their first CRLs, in one transaction. */
export async function initEnvironmentCa(tx: Tx, actor: Actor, env: { id: string; code: string; name: string }, keyType: CaKeyType) {
  const existing = await tx.certificateAuthority.findFirst({ where: { envId: env.id, active: true, kind: { in: ["root", "issuing"] } } });
  if (existing) throw new AppError("conflict", `Environment ${env.code} already has a CA.`);
  const master = await loadMasterKeyForNewCa(tx);
  const [rootKey, issuingKey] = await Promise.all([generateCaKey(keyType), generateCaKey(keyType)]);
  const rootSigner = makeSigner(rootKey.privateKey, keyType);
  const now = new Date();
  const org = providerName();
  const urls = caUrls(env.code);
  const root = await buildCaCertificate({
    subject: { CN: `${org} ${env.code} Root CA`, O: org },
    spkiDer: rootKey.spkiDer,
    issuer: "self",
    signer: rootSigner,
    serial: randomSerial(),
    notBefore: now,
    notAfter: new Date(now.getTime() + ROOT_VALIDITY_DAYS * DAY),
  });
  const issuing = await buildCaCertificate({
    subject: { CN: `${org} ${env.code} Issuing CA`, O: org },
    spkiDer: issuingKey.spkiDer,
    issuer: { certDer: root.der },
    signer: rootSigner,
    serial: randomSerial(),
    notBefore: now,
    notAfter: new Date(now.getTime() + ISSUING_VALIDITY_DAYS * DAY),
    pathLength: 0,
    crlUrl: urls.rootCrl,
    caIssuersUrl: urls.rootCert,
  });
  const rows = [];
  let parentId: string | null = null;
  for (const [kind, cert, key] of [
    ["root", root, rootKey],
    ["issuing", issuing, issuingKey],
  ] as const) {
    const info = await parseCertificateInfo(cert.der);
    const id = randomUUID();
    const row = await tx.certificateAuthority.create({
      data: {
        id,
        envId: env.id,
        kind,
        keyType,
        subject: info.subjectString,
        serialHex: info.serialHex,
        ski: info.ski ?? "",
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        certDer: toDbBytes(cert.der),
        encryptedKey: toDbBytes(sealPrivateKey(key.privateKey, id, master)),
        masterKeyId: master.id,
        parentId,
      },
      select: { id: true, kind: true, subject: true, serialHex: true, notAfter: true },
    });
    parentId = id;
    rows.push(row);
  }
  for (const row of rows) await regenerateCrl(tx, actor, row.id);
  await recordAudit(tx, actor, {
    action: "ca.init",
    targetType: "environment",
    targetId: env.id,
    details: { env: env.code, keyType, root: rows[0].subject, issuing: rows[1].subject },
  });
  return { root: rows[0], issuing: rows[1] };
}

/** The environment's active CAs (public parts only). */
export async function findEnvironmentCas(tx: Pick<Tx, "certificateAuthority">, envId: string) {
  const cas = await tx.certificateAuthority.findMany({
    where: { envId, active: true },
    select: { id: true, kind: true, keyType: true, subject: true, serialHex: true, ski: true, notBefore: true, notAfter: true, certDer: true, crlNumber: true },
  });
  const root = cas.find((c) => c.kind === "root");
  const issuing = cas.find((c) => c.kind === "issuing");
  return root && issuing ? { root, issuing } : null;
}

/**
 * Issue a leaf certificate under the environment's issuing CA. Serials are
 * random 128-bit values; the (ca, serial) unique index catches the impossible
 * collision and we draw again.
 */
export async function signLeaf(
  tx: Tx,
  params: {
    env: { id: string; code: string };
    orgId: string | null;
    requestId?: string;
    renewsCertificateId?: string | null;
    profileCode: string;
    subjectDer: Uint8Array;
    /** How the subject is shown (default: RFC 4514 order from the certificate). */
    subjectString?: string;
    spkiDer: Uint8Array;
    keyType: "rsa" | "ec";
    publicKeyFingerprint: string;
    validityDays: number;
    extendedKeyUsage: ("clientAuth" | "serverAuth")[];
    sans: { dns: string[]; ip: string[] };
    /** Start of validity (default now). Only tests pass it: a certificate that is really expired, signed by the real CA. */
    at?: Date;
    /** Which of the environment's CAs signs: the issuing CA (partners' certificates, default) or the provider client CA. */
    caKind?: "issuing" | "provider_client";
    /** The reference data version the caller's transaction read (lib/db/reference-data.ts): the CA row may come from this process's copy. */
    referenceVersion?: bigint;
  },
) {
  const caKind = params.caKind ?? "issuing";
  const loadCa = () => tx.certificateAuthority.findFirst({ where: { envId: params.env.id, kind: caKind, active: true } });
  const ca = params.referenceVersion === undefined ? await loadCa() : await referenceRow(params.referenceVersion, `ca:${params.env.id}:${caKind}`, loadCa);
  if (!ca && caKind === "provider_client") throw new AppError("conflict", `Environment ${params.env.code} has no provider client CA yet. Run: npm run keyport -- ca init-provider-client --env ${params.env.code}`);
  if (!ca) throw new AppError("conflict", `Environment ${params.env.code} has no CA yet. Run: npm run keyport -- ca init --env ${params.env.code}`);
  const signer = signerFor(ca);
  const allUrls = caUrls(params.env.code);
  const urls = caKind === "issuing" ? allUrls : { issuingCrl: allUrls.providerClientCrl, issuingCert: allUrls.providerClientCert };
  const now = params.at ?? new Date();
  for (let attempt = 0; ; attempt++) {
    // The pipeline: template → pre-issuance lints → sign → verify (lib/pki/cert/leaf-pipeline.ts); then store.
    const issued = await issueLeafThroughPipeline({
      subjectDer: params.subjectDer,
      spkiDer: params.spkiDer,
      issuerCertDer: ca.certDer,
      signer,
      serial: randomSerial(),
      notBefore: now,
      notAfter: new Date(now.getTime() + params.validityDays * DAY),
      keyType: params.keyType,
      extendedKeyUsage: params.extendedKeyUsage,
      sans: params.sans,
      crlUrl: urls.issuingCrl,
      caIssuersUrl: urls.issuingCert,
    }).catch((e: unknown) => {
      // A failing lint is the request's problem, told by name; the transaction rolls back, nothing is stored.
      if (e instanceof LintFailedError) throw new AppError("validation_failed", e.message, undefined, { lints: e.lints });
      throw e;
    });
    try {
      return await tx.certificate.create({
        data: {
          orgId: params.orgId,
          envId: params.env.id,
          caId: ca.id,
          requestId: params.requestId,
          renewsCertificateId: params.renewsCertificateId ?? null,
          profileCode: params.profileCode,
          serialHex: issued.serialHex,
          // The certificate's subject is subjectDer as given: no need to parse the certificate back.
          subject: params.subjectString ?? nameToString(params.subjectDer),
          notBefore: issued.notBefore,
          notAfter: issued.notAfter,
          der: toDbBytes(issued.der),
          publicKeyFingerprint: params.publicKeyFingerprint,
          sha256Fingerprint: sha256Fingerprint(issued.der),
        },
      });
    } catch (e) {
      // Only a serial collision is retried; a second certificate for a request is a real conflict.
      if (isUniqueViolation(e) && attempt < 3 && String((e as { meta?: unknown }).meta ?? "").includes("serial")) continue;
      throw e;
    }
  }
}

/**
 * The pre-issuance lints of the certificate an approval would sign now (serial and dates are
 * drawn as at signing): shown to officers before they approve. Signs nothing; null without a CA.
 */
export async function lintDraftCertificate(
  db: Pick<Tx, "certificateAuthority">,
  params: { env: { id: string; code: string }; subjectDer: Uint8Array; spkiDer: Uint8Array; keyType: "rsa" | "ec"; validityDays: number; extendedKeyUsage: ("clientAuth" | "serverAuth")[]; sans: { dns: string[]; ip: string[] } },
): Promise<LintResult[] | null> {
  const ca = await db.certificateAuthority.findFirst({ where: { envId: params.env.id, kind: "issuing", active: true } });
  if (!ca) return null;
  const urls = caUrls(params.env.code);
  const now = new Date();
  return lintDraftLeaf({
    ...params,
    issuerCertDer: ca.certDer,
    signer: signerFor(ca),
    serial: randomSerial(),
    notBefore: now,
    notAfter: new Date(now.getTime() + params.validityDays * DAY),
    crlUrl: urls.issuingCrl,
    caIssuersUrl: urls.issuingCert,
  });
}

function sha256Fingerprint(der: Uint8Array): string {
  return formatFingerprint(createHash("sha256").update(der).digest("hex"));
}

/** Build and store the next CRL of a CA (its number increases by one), inside the caller's transaction. */
export async function regenerateCrl(tx: Tx, actor: Actor, caId: string, at: Date = new Date()) {
  // The CA row lock makes concurrent regenerations of one CA take turns, so CRL numbers never
  // repeat. Lock order: a row being decided (request, certificate) first, then CA rows.
  const [locked] = await tx.$queryRaw<{ crl_number: bigint }[]>`SELECT crl_number FROM certificate_authorities WHERE id = ${caId}::uuid FOR UPDATE`;
  if (!locked) throw new AppError("not_found", "No such CA.");
  const ca = await tx.certificateAuthority.findUniqueOrThrow({ where: { id: caId } });
  const revoked =
    ca.kind !== "root"
      ? await tx.certificate.findMany({ where: { caId, revokedAt: { not: null } }, select: { serialHex: true, revokedAt: true, revocationReason: true } })
      : [];
  const number = locked.crl_number + BigInt(1);
  const thisUpdate = at;
  const nextUpdate = new Date(thisUpdate.getTime() + CRL_VALIDITY[ca.kind]);
  const der = await buildCrl({
    issuerCertDer: ca.certDer,
    signer: signerFor(ca),
    crlNumber: number,
    thisUpdate,
    nextUpdate,
    entries: revoked.map((r) => ({ serial: serialFromHex(r.serialHex), revokedAt: r.revokedAt!, reason: r.revocationReason ?? undefined })),
  });
  await tx.certificateAuthority.update({ where: { id: caId }, data: { crlNumber: number } });
  const crl = await tx.crl.create({ data: { caId, number, thisUpdate, nextUpdate, entries: revoked.length, der: toDbBytes(der) } });
  await recordAudit(tx, actor, {
    action: "crl.generate",
    targetType: "ca",
    targetId: caId,
    details: { ca: ca.subject, number: number.toString(), entries: revoked.length },
  });
  return crl;
}

/** The newest CRL of a CA. */
export async function latestCrl(tx: Pick<Tx, "crl">, caId: string) {
  return tx.crl.findFirst({ where: { caId }, orderBy: { number: "desc" } });
}
