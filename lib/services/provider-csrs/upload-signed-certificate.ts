import type { z } from "zod";
import { getDb } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { MAX_CHAIN_INPUT_BYTES, readChainInput, summariseFailures } from "@/lib/pki/chain";
import { checkSignedCertificate } from "@/lib/pki/chain/check-signed-certificate";
import { emitEvent } from "@/lib/notifications/emit-event";
import { parseInput } from "@/lib/validation";
import { actorUserId, assertId, orgScope } from "@/lib/services/scope";
import { revokedAmong } from "@/lib/services/server-chains/upload-server-chain";
import { uploadSignedCertificateSchema } from "./schemas";
import { getProviderCsr } from "./read-provider-csrs";

/**
 * The partner uploads the certificate its CA issued for the provider's CSR. It must carry the CSR's
 * public key and subject, be issued by a CA of the partner's ENDORSED server CA chain of that
 * environment (officers endorsed it, with the environment's number of distinct officers), assert
 * clientAuth, and stay valid for the environment's minimum (minTrustValidityDays). A failing finding
 * stores nothing. Accepted, it becomes the provider's active client certificate towards that partner
 * (gateway egress presents it on that partner's upstream); the one it replaces is retired.
 */
export async function uploadSignedCertificate(actor: Actor, id: string, input: z.input<typeof uploadSignedCertificateSchema> | Record<string, unknown>) {
  authorize(actor, "provider-csr:sign");
  const orgId = orgScope(actor);
  if (!orgId) throw new AppError("forbidden", "Only the partner organisation whose CA signs the provider's CSR uploads the certificate.");
  const csrId = assertId(id, "provider CSR");
  const raw = input?.certificate;
  if ((typeof raw === "string" ? Buffer.byteLength(raw) : raw instanceof Uint8Array ? raw.length : 0) > MAX_CHAIN_INPUT_BYTES) {
    throw new AppError("too_large", `At most ${MAX_CHAIN_INPUT_BYTES} bytes (64 KiB) are accepted.`, { certificate: "Too large." });
  }
  const data = parseInput(uploadSignedCertificateSchema, input);
  const db = getDb();
  const result = await db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM provider_csrs WHERE id = ${csrId}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
      if (!locked.length) throw new AppError("not_found", `No provider CSR with id "${csrId}".`);
      const row = await tx.providerCsr.findUniqueOrThrow({ where: { id: csrId }, include: { env: true, org: true } });
      if (row.status !== "awaiting_certificate") throw new AppError("conflict", `This provider CSR is ${row.status.replace("_", " ")}; it takes no certificate any more.`);
      const chain = await tx.partnerServerChain.findFirst({ where: { orgId, envId: row.envId, status: "endorsed" }, orderBy: { endorsedAt: "desc" } });
      if (!chain) {
        throw new AppError("conflict", `Your organisation has no endorsed server CA chain in ${row.env.code}: upload the CA chain you sign with and have officers endorse it first; the certificate must chain to it.`, { certificate: "No endorsed chain." });
      }
      const endorsedChainDer = chain.chainDer.map((d) => new Uint8Array(d));
      const check = await checkSignedCertificate({
        input: readChainInput(data.certificate),
        csr: { subjectDer: new Uint8Array(row.subjectDer), spkiDer: new Uint8Array(row.spkiDer) },
        endorsedChainDer,
        minValidityDays: row.env.minTrustValidityDays,
      });
      if (check.accepted && check.sha256Fingerprint && (await revokedAmong([check.sha256Fingerprint], tx)).size) {
        check.accepted = false;
        check.findings.push({ code: "signed.revoked", result: "fail", message: "This certificate is revoked (Keyport's records)." });
      }
      if (!check.accepted) return { refused: check.findings };
      const now = new Date();
      const replaced = await tx.providerCsr.findMany({ where: { orgId, envId: row.envId, status: "active" }, select: { id: true } });
      if (replaced.length) await tx.providerCsr.updateMany({ where: { id: { in: replaced.map((r) => r.id) } }, data: { status: "retired", retiredAt: now } });
      await tx.providerCsr.update({
        where: { id: csrId },
        data: {
          status: "active",
          certDer: toDbBytes(check.certDer!),
          serverChainId: chain.id,
          certSerialHex: check.serialHex,
          certSha256: check.sha256Fingerprint,
          certIssuer: check.issuer,
          certNotAfter: check.notAfter,
          signedUploadedById: actorUserId(actor),
          signedAt: now,
        },
      });
      await recordAudit(tx, actor, {
        action: "provider_csr.sign",
        orgId,
        targetType: "provider_csr",
        targetId: csrId,
        details: {
          environment: row.env.code,
          organisation: row.org.code,
          serial: check.serialHex,
          sha256Fingerprint: check.sha256Fingerprint,
          issuer: check.issuer,
          notAfter: check.notAfter!.toISOString(),
          serverChain: chain.id,
          ...(replaced.length ? { retired: replaced.map((r) => r.id) } : {}),
        },
      });
      await emitEvent(tx, "provider_csr.signed", { id: csrId });
      return { refused: null };
    },
    { timeout: 30_000, maxWait: 15_000 },
  );
  if (result.refused) throw new AppError("validation_failed", summariseFailures(result.refused), { certificate: summariseFailures(result.refused) }, { findings: result.refused });
  return getProviderCsr(actor, csrId);
}
