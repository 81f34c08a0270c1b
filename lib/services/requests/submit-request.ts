import { createHash } from "node:crypto";
import { z } from "zod";
import { readReferenceVersion, referenceRow, versionOf } from "@/lib/db/reference-data";
import { getDb, type Tx } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { emitEvent } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { describeInput, parseInput } from "@/lib/validation";
import { readCsr } from "@/lib/pki/csr/parse-csr";
import { normaliseSanLists } from "@/lib/pki/cert/san-names";
import { type CsrEvaluation, MAX_CSR_BYTES, addKeyReuseCheck, contextFor, evaluateParsedCsr, loadProfile } from "@/lib/services/csr/evaluate-csr";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { actorUserId, assertId, orgScope } from "@/lib/services/scope";
import { assertEnoughPartnerOfficers } from "./partner-officers";
import { actorName } from "@/lib/notifications/emit-event";

/** Per list: a request names a partner's endpoints, not a fleet. */
export const MAX_ENTERED_SANS = 50;

export const submitRequestSchema = z.object({
  environment: describeInput(z.string({ message: "Choose an environment." }).trim().min(1, "Choose an environment.").max(32), {
    expects: 'a string (an environment code such as "PPR")',
  }),
  profile: describeInput(
    z
      .string()
      .trim()
      .max(64)
      .optional()
      .transform((v) => v || "mtls-client"),
    { expects: 'a string (a profile code such as "mtls-client")' },
  ),
  csr: describeInput(z.union([z.string(), z.instanceof(Uint8Array)], { message: "Paste a CSR or choose a CSR file." }), {
    expects: "a string (the CSR as PEM text, or as base64 DER)",
    multiline: true,
  }),
  /** DNS names and IP addresses to certify besides the CSR's (where the profile allows them). */
  sans: describeInput(
    z
      .object({
        dns: describeInput(z.array(z.string().max(253, "A DNS name has at most 253 characters.")).max(MAX_ENTERED_SANS, `At most ${MAX_ENTERED_SANS} DNS names.`), { expects: "a list of strings (DNS names)" }).optional(),
        ip: describeInput(z.array(z.string().max(64, "Not an IP address.")).max(MAX_ENTERED_SANS, `At most ${MAX_ENTERED_SANS} IP addresses.`), { expects: "a list of strings (IP addresses)" }).optional(),
      })
      .strict()
      .optional(),
    { expects: 'an object { "dns": [...], "ip": [...] }' },
  ),
  renews: describeInput(
    z
      .string()
      .trim()
      .optional()
      .transform((v) => v || undefined),
    { expects: "a string (the id of the certificate this request renews)" },
  ),
});

export type SubmitRequestInput = z.input<typeof submitRequestSchema>;

/**
 * A transaction-scoped lock per public key, so two submissions of one key cannot both pass the reuse
 * check. The same statement reads the reference data version (lib/db/reference-data.ts), returned.
 */
export async function lockPublicKey(tx: Tx, fingerprint: string): Promise<bigint> {
  const key = createHash("sha256").update(`keyport-key:${fingerprint}`).digest().readBigInt64BE(0);
  const [row] = await tx.$queryRaw<{ version: bigint | null }[]>`SELECT (SELECT version FROM reference_version WHERE id = 1) AS version FROM pg_advisory_xact_lock(${key})`;
  return versionOf(row?.version);
}

/**
 * A partner submits a CSR for its own organisation. Every check runs on the
 * server; a CSR that fails any check is not stored (422 with the checks).
 */
export async function submitCertificateRequest(actor: Actor, input: SubmitRequestInput) {
  authorize(actor, "request:submit");
  const orgId = orgScope(actor);
  if (!orgId) throw new AppError("forbidden", "Only a partner organisation's users submit certificate requests.");
  const size = typeof input.csr === "string" ? Buffer.byteLength(input.csr) : input.csr instanceof Uint8Array ? input.csr.length : 0;
  if (size > MAX_CSR_BYTES) throw new AppError("too_large", `The CSR is ${size} bytes; at most ${MAX_CSR_BYTES} bytes (64 KiB) are accepted.`, { csr: "Too large." });
  const data = parseInput(submitRequestSchema, input);
  if (typeof data.csr === "string" && !data.csr.trim()) throw new AppError("validation_failed", "Paste a CSR or choose a CSR file.", { csr: "Paste a CSR or choose a CSR file." });
  const db = getDb();
  const envCode = data.environment.toUpperCase();
  // Parsed and verified once, before the transaction: the CSR's own checks need nothing it holds.
  const read = await readCsr(data.csr);

  return db.$transaction(
    async (tx) => {
      let renews: { id: string } | null = null;
      if (data.renews) {
        const predecessor = await tx.certificate.findFirst({
          where: { id: assertId(data.renews, "certificate"), orgId },
          include: { env: true },
        });
        if (!predecessor) throw new AppError("not_found", `No certificate with id "${data.renews}".`, { renews: "Unknown certificate." });
        if (predecessor.env.code !== envCode) {
          throw new AppError("validation_failed", `Certificate ${data.renews} is in ${predecessor.env.code}; a renewal stays in the same environment.`, {
            renews: `Renew it in ${predecessor.env.code}.`,
          });
        }
        renews = predecessor;
      }
      // Serialise submissions of the same key (the key-reuse query runs under the lock); the same
      // statement reads the reference data version the organisation, environment and profile are read under.
      const version = read.ok ? await lockPublicKey(tx, read.csr.publicKeyFingerprint) : await readReferenceVersion(tx);
      const org = await referenceRow(version, `organisation:${orgId}`, () => tx.organisation.findUniqueOrThrow({ where: { id: orgId } }));
      const env = await referenceRow(version, `environment:${envCode}`, () => requireEnvironment(envCode, "environment", tx));
      await assertEnoughPartnerOfficers(tx, org, env);
      const profile = await referenceRow(version, `profile:${env.code}:${data.profile ?? ""}`, () => loadProfile(data.profile, env.code, tx));
      const context = contextFor(profile, org, env);
      const entered = normaliseSanLists(data.sans ?? {});
      let evaluation: CsrEvaluation = evaluateParsedCsr(read, context, entered);
      if (evaluation.parsed) evaluation = await addKeyReuseCheck(actor, evaluation, tx);
      if (!evaluation.accepted || !evaluation.parsed || !evaluation.csr) {
        const failed = evaluation.checks.filter((c) => c.result === "fail");
        throw new AppError(
          "validation_failed",
          failed.length === 1 ? failed[0].message : `The CSR fails ${failed.length} checks: ${failed.map((c) => c.code).join(", ")}.`,
          { csr: failed.map((c) => c.message).join(" ") },
          { checks: evaluation.checks },
        );
      }
      const request = await tx.certificateRequest.create({
        data: {
          orgId,
          envId: evaluation.env.id,
          profileCode: evaluation.profile.code,
          csrDer: toDbBytes(evaluation.parsed.der),
          subject: evaluation.csr.subject,
          keyType: evaluation.csr.keyType,
          publicKeyFingerprint: evaluation.csr.publicKeyFingerprint,
          checks: evaluation.checks,
          enteredDnsSans: entered.dns,
          enteredIpSans: entered.ip,
          submittedById: actorUserId(actor),
          renewsCertificateId: renews?.id ?? null,
          // A second partner security officer confirms it before the provider's officers see it.
          status: env.partnerConfirmation ? "awaiting_partner_confirmation" : "pending",
        },
      });
      await recordAudit(tx, actor, {
        action: "certificate_request.submit",
        orgId,
        targetType: "certificate_request",
        targetId: request.id,
        details: {
          environment: evaluation.env.code,
          profile: evaluation.profile.code,
          subject: evaluation.csr.subject,
          keyType: evaluation.csr.keyType,
          publicKeyFingerprint: evaluation.csr.publicKeyFingerprint,
          ...(entered.dns.length || entered.ip.length ? { enteredSans: entered } : {}),
          ...(renews ? { renews: renews.id } : {}),
          ...(env.partnerConfirmation ? { awaitingPartnerConfirmation: true } : {}),
        },
      });
      if (env.partnerConfirmation) await emitEvent(tx, "certificate_request.awaiting_confirmation", { id: request.id, by: actorName(actor) });
      // The row it describes is the one just written (no read back).
      else await emitEvent(tx, "certificate_request.submitted", { id: request.id, row: { request: { ...request, env: { code: env.code, approvalsRequired: env.approvalsRequired }, org: { code: org.code } } } });
      return { id: request.id, status: request.status, checks: evaluation.checks };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
