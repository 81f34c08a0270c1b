import { z } from "zod";
import { metrics } from "@/lib/metrics/metrics";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { actorName, emitEvent } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { rebuildCrlAfterRevocation } from "./crl-rebuild";
import { describeInput, parseInput } from "@/lib/validation";
import { assertId, orgScope } from "@/lib/services/scope";
import { parseCertificateInfo } from "@/lib/pki/cert/certificate-info";
import { CA_REVOCATION_REASONS, revocationReasonsFor, type RevocationReason } from "@/lib/pki/crl/reasons";
import { getCertificate } from "./read-certificates";

/** Reasons a partner may give for its own certificate (a subset of the BR §7.2.2 leaf reasons). */
export const PARTNER_REVOCATION_REASONS = ["keyCompromise", "superseded", "cessationOfOperation", "affiliationChanged"] as const satisfies readonly RevocationReason[];
/**
 * Every reason an officer may give, for some certificate: RFC 5280 §5.3.1 without certificateHold
 * (revocation is final). Which of them fit one certificate: `revocationReasonsFor(isCa)`.
 */
export const OFFICER_REVOCATION_REASONS = CA_REVOCATION_REASONS;

/** The reasons this actor may give for a certificate of this kind (leaf or CA). */
export function allowedRevocationReasons(actor: Actor, isCa: boolean): readonly RevocationReason[] {
  const byKind = revocationReasonsFor(isCa);
  if (!orgScope(actor)) return byKind;
  return byKind.filter((r) => (PARTNER_REVOCATION_REASONS as readonly string[]).includes(r));
}

function refuseReason(reason: string, isCa: boolean, allowed: readonly string[]): never {
  const quoted = `"${reason.slice(0, 40)}"`;
  const kindNote = !isCa && (CA_REVOCATION_REASONS as readonly string[]).includes(reason)
    ? ` is a reason for CA certificates only; an end-entity certificate (CA/B Forum BR §7.2.2) takes one of ${allowed.join(", ")}.`
    : ` is not a reason you can give for this certificate; use one of ${allowed.join(", ")}.`;
  throw new AppError("validation_failed", `${quoted}${kindNote}`, { reason: `Use one of ${allowed.join(", ")}.` });
}

export const revokeSchema = z.object({
  reason: z.string({ message: "Choose a revocation reason." }).trim().min(1, "Choose a revocation reason."),
  comment: describeInput(z.string().trim().max(1000, "At most 1000 characters.").optional(), { multiline: true }),
});

/**
 * Revoke a certificate at once: the certificate row and the audit row are written in one
 * transaction; the issuing CA's CRL is rebuilt right after it commits, coalesced with other
 * revocations of the CA (crl-rebuild.ts), and this returns once the CRL lists it.
 */
export async function revokeCertificate(actor: Actor, id: string, input: z.input<typeof revokeSchema>) {
  authorize(actor, "certificate:revoke");
  const certId = assertId(id, "certificate");
  const { reason, comment } = parseInput(revokeSchema, input ?? {});
  const orgId = orgScope(actor);
  // Refuse a reason nobody may give before any lock; the leaf/CA rule needs the certificate.
  const anyAllowed: readonly string[] = orgId ? PARTNER_REVOCATION_REASONS : OFFICER_REVOCATION_REASONS;
  if (!anyAllowed.includes(reason)) refuseReason(reason, false, anyAllowed);
  const { envCode, caId } = await getDb().$transaction(
    async (tx) => {
      // Row lock: two revocations of one certificate take turns; the second sees it revoked.
      await tx.$queryRaw`SELECT id FROM certificates WHERE id = ${certId}::uuid FOR UPDATE`;
      const cert = await tx.certificate.findFirst({ where: { id: certId, ...(orgId ? { orgId } : {}) }, include: { env: true } });
      if (!cert) throw new AppError("not_found", `No certificate with id "${id}".`);
      if (cert.revokedAt) throw new AppError("conflict", `This certificate was already revoked on ${cert.revokedAt.toISOString()} (${cert.revocationReason}).`);
      const isCa = (await parseCertificateInfo(cert.der)).isCa;
      const allowed = allowedRevocationReasons(actor, isCa);
      if (!(allowed as readonly string[]).includes(reason)) refuseReason(reason, isCa, allowed);
      await tx.certificate.update({
        where: { id: certId },
        data: { revokedAt: new Date(), revocationReason: reason as RevocationReason, revokedById: actor.type === "user" ? actor.userId : null },
      });
      await recordAudit(tx, actor, {
        action: "certificate.revoke",
        orgId: cert.orgId,
        targetType: "certificate",
        targetId: certId,
        details: { serial: cert.serialHex, subject: cert.subject, environment: cert.env.code, reason, ...(comment ? { comment } : {}) },
      });
      await emitEvent(tx, "certificate.revoked", { id: certId, reason, by: actorName(actor) });
      return { envCode: cert.env.code, caId: cert.caId };
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
  metrics().revoked.inc({ environment: envCode }); // counted once committed
  await rebuildCrlAfterRevocation(caId);
  return getCertificate(actor, certId);
}
