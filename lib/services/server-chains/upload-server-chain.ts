import { getDb, type Tx } from "@/lib/db/client";
import { assertEnoughPartnerOfficers } from "@/lib/services/requests/partner-officers";
import { toDbBytes } from "@/lib/db/bytes";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { emitEvent } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { MAX_CHAIN_INPUT_BYTES, checkChainUpload, summariseFailures, type ChainValidation } from "@/lib/pki/chain";
import { parseInput } from "@/lib/validation";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { actorUserId, orgScope } from "@/lib/services/scope";
import { type UploadServerChainInput, uploadServerChainSchema } from "./schemas";

/** The trust policy of an environment (its minimum validity left). */
export const trustPolicyOf = (env: { minTrustValidityDays: number }) => ({ minValidityDays: env.minTrustValidityDays, minRsaBits: 2048, curves: ["P-256", "P-384", "P-521"] });

/** Fingerprints of certificates Keyport itself has revoked, among the ones given. */
export async function revokedAmong(fingerprints: string[], db: Pick<Tx, "certificate"> = getDb()): Promise<Set<string>> {
  if (!fingerprints.length) return new Set();
  const rows = await db.certificate.findMany({ where: { sha256Fingerprint: { in: fingerprints }, revokedAt: { not: null } }, select: { sha256Fingerprint: true } });
  return new Set(rows.map((r) => r.sha256Fingerprint));
}

/** Validate with what Keyport knows: first without revocation to learn the fingerprints, then with it. */
export async function validateWithRecords(input: { chain: string | Uint8Array; server?: string | Uint8Array | null }, env: { minTrustValidityDays: number }): Promise<ChainValidation> {
  const policy = trustPolicyOf(env);
  const first = await checkChainUpload({ ...input, policy });
  const revoked = await revokedAmong(first.certificates.map((c) => c.sha256Fingerprint));
  return revoked.size ? checkChainUpload({ ...input, policy, isRevoked: (f) => revoked.has(f) }) : first;
}

/**
 * A partner uploads the CA chain its servers use (and optionally its server certificate and URL)
 * for one environment. Every finding is returned; a chain with any failure is not stored (422).
 * One chain per organisation and environment waits for officers at a time; an endorsed chain stays
 * active until this one is endorsed.
 */
export async function uploadServerChain(actor: Actor, input: UploadServerChainInput | Record<string, unknown>) {
  authorize(actor, "server-chain:submit");
  const orgId = orgScope(actor);
  if (!orgId) throw new AppError("forbidden", "Only a partner organisation's users upload server CA chains.");
  const size = (v: unknown) => (typeof v === "string" ? Buffer.byteLength(v) : v instanceof Uint8Array ? v.length : 0);
  if (size(input?.chain) > MAX_CHAIN_INPUT_BYTES || size(input?.server) > MAX_CHAIN_INPUT_BYTES) {
    throw new AppError("too_large", `At most ${MAX_CHAIN_INPUT_BYTES} bytes (64 KiB) per upload are accepted.`, { chain: "Too large." });
  }
  const data = parseInput(uploadServerChainSchema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  const v = await validateWithRecords({ chain: data.chain, server: data.server }, env);
  if (!v.accepted) throw new AppError("validation_failed", summariseFailures(v.findings), { chain: summariseFailures(v.findings) }, { findings: v.findings });
  const root = v.certificates.find((c) => c.role === "root")!;
  const db = getDb();
  return db.$transaction(async (tx) => {
    // One upload at a time per organisation and environment (two browser tabs, a retried call).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`keyport:server-chain:${orgId}:${env.id}`}))`;
    await assertEnoughPartnerOfficers(tx, { id: orgId }, env);
    const pending = await tx.partnerServerChain.findFirst({ where: { orgId, envId: env.id, status: "pending" }, select: { id: true } });
    if (pending) throw new AppError("conflict", `A server CA chain for ${env.code} (${pending.id}) is already waiting for officers; wait for their decision before uploading another.`);
    const row = await tx.partnerServerChain.create({
      data: {
        orgId,
        envId: env.id,
        chainDer: v.chainDer.map(toDbBytes),
        serverCertDer: v.serverDer ? toDbBytes(v.serverDer) : null,
        endpointUrl: data.endpoint ?? null,
        hosts: v.hosts,
        certificates: v.certificates.map((c) => ({ ...c, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString() })),
        findings: v.findings,
        rootFingerprint: root.sha256Fingerprint,
        notAfter: v.notAfter!,
        submittedById: actorUserId(actor),
      },
    });
    await recordAudit(tx, actor, {
      action: "server_chain.submit",
      orgId,
      targetType: "server_chain",
      targetId: row.id,
      details: { environment: env.code, root: root.subject, rootFingerprint: root.sha256Fingerprint, certificates: v.certificates.length, hosts: v.hosts, notAfter: v.notAfter!.toISOString() },
    });
    await emitEvent(tx, "server_chain.submitted", { id: row.id });
    return { id: row.id, status: row.status, findings: v.findings };
  });
}
