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
import { getCertificate } from "./read-certificates";

/** Reasons a partner may give for its own certificate. */
export const PARTNER_REVOCATION_REASONS = ["keyCompromise", "superseded", "cessationOfOperation", "affiliationChanged"] as const;
/** RFC 5280 §5.3.1 reasons an officer may give (certificateHold and removeFromCRL are not offered: revocation is final). */
export const OFFICER_REVOCATION_REASONS = [
  "unspecified",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "privilegeWithdrawn",
  "aACompromise",
] as const;

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
  const allowed: readonly string[] = orgId ? PARTNER_REVOCATION_REASONS : OFFICER_REVOCATION_REASONS;
  if (!allowed.includes(reason)) {
    throw new AppError("validation_failed", `"${reason.slice(0, 40)}" is not a reason you can give; use one of ${allowed.join(", ")}.`, { reason: `Use one of ${allowed.join(", ")}.` });
  }
  const { envCode, caId } = await getDb().$transaction(
    async (tx) => {
      // Row lock: two revocations of one certificate take turns; the second sees it revoked.
      await tx.$queryRaw`SELECT id FROM certificates WHERE id = ${certId}::uuid FOR UPDATE`;
      const cert = await tx.certificate.findFirst({ where: { id: certId, ...(orgId ? { orgId } : {}) }, include: { env: true } });
      if (!cert) throw new AppError("not_found", `No certificate with id "${id}".`);
      if (cert.revokedAt) throw new AppError("conflict", `This certificate was already revoked on ${cert.revokedAt.toISOString()} (${cert.revocationReason}).`);
      await tx.certificate.update({
        where: { id: certId },
        data: { revokedAt: new Date(), revocationReason: reason as (typeof OFFICER_REVOCATION_REASONS)[number], revokedById: actor.type === "user" ? actor.userId : null },
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
