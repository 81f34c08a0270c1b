import { z } from "zod";
import { getDb, type Tx } from "@/lib/db/client";
import { referenceRow, versionOf } from "@/lib/db/reference-data";
import { type Actor, authorize } from "@/lib/auth/actor";
import { type AuditEntry, recordAudit, recordAudits } from "@/lib/audit/record-audit";
import { actorName, emitEvent } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { signLeaf } from "@/lib/ca/authority";
import { metrics } from "@/lib/metrics/metrics";
import { parseInput } from "@/lib/validation";
import { readCsr } from "@/lib/pki/csr/parse-csr";
import { certificateSans } from "./certificate-sans";
import { addKeyReuseCheck, contextFor, evaluateParsedCsr, loadProfile } from "@/lib/services/csr/evaluate-csr";
import { assertId } from "@/lib/services/scope";
import { alreadyDecided, approveSchema, recordDecision, rejectSchema } from "./approvals";
import { getCertificateRequest } from "./read-requests";

const TX = { timeout: 60_000, maxWait: 15_000 } as const;

type LockedRow = {
  id: string;
  status: string;
  orgId: string;
  envId: string;
  profileCode: string;
  csrDer: Uint8Array;
  enteredDnsSans: string[];
  enteredIpSans: string[];
  renewsCertificateId: string | null;
  submittedById: string | null;
  version: bigint | null;
};

/**
 * The request under its row lock (concurrent decisions on one request take turns: double clicks,
 * retries, two officers at once) and the reference data version in the same statement (the row is
 * the latest version once locked; anything else must be read by a later statement, whose snapshot
 * comes after the lock); its organisation and environment come from the reference data under it.
 */
async function lockRequest(tx: Tx, id: string) {
  const [row] = await tx.$queryRaw<LockedRow[]>`
    SELECT r.id::text, r.status::text, r.org_id::text AS "orgId", r.env_id::text AS "envId", r.profile_code AS "profileCode", r.csr_der AS "csrDer",
           r.entered_dns_sans AS "enteredDnsSans", r.entered_ip_sans AS "enteredIpSans", r.renews_certificate_id::text AS "renewsCertificateId",
           r.submitted_by_id::text AS "submittedById",
           (SELECT version FROM reference_version WHERE id = 1) AS version
      FROM certificate_requests r WHERE r.id = ${id}::uuid FOR UPDATE OF r`;
  if (!row) throw new AppError("not_found", `No certificate request with id "${id}".`);
  const version = versionOf(row.version);
  const [env, org] = await Promise.all([
    referenceRow(version, `environment-id:${row.envId}`, () => tx.environment.findUniqueOrThrow({ where: { id: row.envId } })),
    referenceRow(version, `organisation:${row.orgId}`, () => tx.organisation.findUniqueOrThrow({ where: { id: row.orgId } })),
  ]);
  return { ...row, env, org, version };
}

/**
 * An officer approves. When the environment's required number of distinct
 * officers have approved, the checks re-run against the current profile and the
 * certificate is issued, in the same transaction as the final approval.
 */
export async function approveCertificateRequest(actor: Actor, id: string, input: z.input<typeof approveSchema> = {}) {
  authorize(actor, "request:decide");
  const requestId = assertId(id, "certificate request");
  const { comment } = parseInput(approveSchema, input ?? {});
  const issuedIn = await getDb().$transaction(async (tx): Promise<string | null> => {
    const request = await lockRequest(tx, requestId);
    if (request.status !== "pending") throw alreadyDecided("request", request.status);
    const approvals = await recordDecision(tx, actor, { kind: "certificate", requestId }, request, { decision: "approve", comment });
    const approval: AuditEntry = {
      action: "certificate_request.approve",
      orgId: request.orgId,
      targetType: "certificate_request",
      targetId: requestId,
      details: { approvals, required: request.env.approvalsRequired, ...(comment ? { comment } : {}) },
    };
    if (approvals < request.env.approvalsRequired) {
      await recordAudit(tx, actor, approval);
      await emitEvent(tx, "certificate_request.approval_recorded", { id: requestId, by: actorName(actor), extra: { approvals: String(approvals) } });
      return null;
    }

    // The checks again, against the current profile, with the organisation and environment
    // lockRequest loaded: one parse of the stored DER, one key-reuse query.
    const profile = await referenceRow(request.version, `profile:${request.env.code}:${request.profileCode}`, () => loadProfile(request.profileCode, request.env.code, tx));
    const context = contextFor(profile, request.org, request.env);
    const entered = { dns: request.enteredDnsSans, ip: request.enteredIpSans };
    const evaluation = await addKeyReuseCheck(actor, evaluateParsedCsr(await readCsr(new Uint8Array(request.csrDer)), context, entered), tx, requestId);
    if (!evaluation.accepted || !evaluation.parsed) {
      const failed = evaluation.checks.filter((c) => c.result === "fail");
      throw new AppError(
        "validation_failed",
        `The CSR no longer passes profile ${request.profileCode}: ${failed.map((c) => c.message).join(" ")} Nothing was approved; reject the request with a reason.`,
        undefined,
        { checks: evaluation.checks },
      );
    }
    const csr = evaluation.parsed;
    const subject = csr.certificateSubject;
    if (!subject.ok) throw new AppError("validation_failed", `The subject cannot be certified: ${subject.problems.map((p) => p.message).join(" ")}`);
    const sans = certificateSans(profile, csr.sans, entered);
    const certificate = await signLeaf(tx, {
      env: request.env,
      orgId: request.orgId,
      requestId,
      renewsCertificateId: request.renewsCertificateId,
      profileCode: profile.code,
      referenceVersion: request.version,
      // Rebuilt from the decoded subject, never the CSR's bytes (lib/pki/name/certificate-subject.ts);
      // the subject.encoding check passed, so it is there. Shown as officers saw it.
      subjectDer: subject.der,
      subjectString: subject.string,
      spkiDer: csr.spkiDer,
      keyType: csr.key.type === "rsa" ? "rsa" : "ec",
      publicKeyFingerprint: csr.publicKeyFingerprint,
      validityDays: profile.validityDays,
      extendedKeyUsage: [...profile.extendedKeyUsage],
      sans,
    });
    await tx.certificateRequest.update({
      where: { id: requestId },
      data: { status: "issued", decidedAt: new Date(), decidedById: actor.type === "user" ? actor.userId : null, checks: evaluation.checks },
    });
    // The final approval and the issuance: two events, one statement.
    await recordAudits(tx, actor, [
      approval,
      {
        action: "certificate.issue",
        orgId: request.orgId,
        targetType: "certificate",
        targetId: certificate.id,
        details: { request: requestId, serial: certificate.serialHex, subject: certificate.subject, notAfter: certificate.notAfter.toISOString(), environment: request.env.code },
      },
    ]);
    await emitEvent(tx, "certificate.issued", {
      id: certificate.id,
      row: { certificate: { ...certificate, env: { code: request.env.code }, org: { code: request.org.code }, request: { submittedById: request.submittedById } } },
    });
    return request.env.code;
  }, TX);
  if (issuedIn) metrics().issued.inc({ environment: issuedIn }); // counted once committed
  return getCertificateRequest(actor, requestId);
}

/** An officer rejects with a reason the partner sees. One rejection ends the request. */
export async function rejectCertificateRequest(actor: Actor, id: string, input: z.input<typeof rejectSchema>) {
  authorize(actor, "request:decide");
  const requestId = assertId(id, "certificate request");
  const { reason } = parseInput(rejectSchema, input ?? {});
  await getDb().$transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    if (request.status !== "pending") throw alreadyDecided("request", request.status);
    await recordDecision(tx, actor, { kind: "certificate", requestId }, request, { decision: "reject", comment: reason });
    await tx.certificateRequest.update({
      where: { id: requestId },
      data: { status: "rejected", rejectionReason: reason, decidedAt: new Date(), decidedById: actor.type === "user" ? actor.userId : null },
    });
    await recordAudit(tx, actor, {
      action: "certificate_request.reject",
      orgId: request.orgId,
      targetType: "certificate_request",
      targetId: requestId,
      details: { reason },
    });
    await emitEvent(tx, "certificate_request.rejected", { id: requestId, reason });
  }, TX);
  return getCertificateRequest(actor, requestId);
}
