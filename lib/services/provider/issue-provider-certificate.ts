import { z } from "zod";
import { getDb, type Tx } from "@/lib/db/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import type { Prisma } from "@/lib/generated/prisma/client";
import { toDbBytes } from "@/lib/db/bytes";
import { AppError } from "@/lib/errors";
import { alreadyDecided, approveSchema, recordDecision, rejectSchema } from "@/lib/services/requests/approvals";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { emitEvent } from "@/lib/notifications/emit-event";
import { signLeaf } from "@/lib/ca/authority";
import { readGatewayCsr } from "./check-gateway-csr";
import { describeInput, parseInput } from "@/lib/validation";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { actorUserId, assertId } from "@/lib/services/scope";
import { issueWithGeneratedKey, takeProviderKeyOnce } from "@/lib/ca/provider-key";
import { readPkcs12Password } from "./pkcs12-password";
import { MEDIA_TYPES } from "@/lib/pki/cert/download-formats";

export const PROVIDER_CLIENT_PROFILE = "provider-client";
const VALIDITY_DAYS = 365;

const schema = z.object({
  environment: describeInput(z.string().trim().min(1, "Choose an environment.").max(32), { expects: "an environment code" }),
  csr: describeInput(z.union([z.string(), z.instanceof(Uint8Array)], { message: "Paste the CSR made on the provider's gateway." }), { expects: "a string (PEM CSR)", multiline: true }),
});

type Env = { id: string; code: string; approvalsRequired: number };
/** What to issue: from a gateway's CSR (the key stays there), or with a key Keyport generates and seals. */
type Spec = { keySource: "gateway"; csrDer: Uint8Array } | { keySource: "keyport"; commonName: string };

/** Sign a Spec under the provider client CA and write its audit row (inside the caller's transaction). */
async function signSpec(tx: Tx, actor: Actor, env: Env, spec: Spec, requestId?: string) {
  let c: Awaited<ReturnType<typeof signLeaf>>;
  if (spec.keySource === "gateway") {
    // Checked again here: at approval time the CSR comes from storage.
    const { csr, subject } = await readGatewayCsr(spec.csrDer);
    c = await signLeaf(tx, {
      env,
      orgId: null,
      profileCode: PROVIDER_CLIENT_PROFILE,
      subjectDer: subject.der,
      subjectString: subject.string,
      spkiDer: csr.spkiDer,
      keyType: csr.key.type === "rsa" ? "rsa" : "ec",
      publicKeyFingerprint: csr.publicKeyFingerprint,
      validityDays: VALIDITY_DAYS,
      extendedKeyUsage: ["clientAuth"],
      sans: { dns: [], ip: [] },
      caKind: "provider_client",
    });
  } else {
    c = await issueWithGeneratedKey(tx, { env, commonName: spec.commonName, profileCode: PROVIDER_CLIENT_PROFILE, validityDays: VALIDITY_DAYS });
  }
  await recordAudit(tx, actor, {
    action: "certificate.issue",
    targetType: "certificate",
    targetId: c.id,
    details: {
      purpose: "provider outbound client certificate",
      ...(spec.keySource === "keyport" ? { keyGeneratedBy: "keyport" } : {}),
      environment: env.code,
      serial: c.serialHex,
      subject: c.subject,
      notAfter: c.notAfter.toISOString(),
      ...(requestId ? { request: requestId } : {}),
    },
  });
  await emitEvent(tx, "provider_certificate.issued", { id: c.id });
  return c;
}

export type ProviderIssuance =
  | { status: "issued"; id: string; serial: string; subject: string; notAfter: Date }
  | { status: "pending"; requestId: string; subject: string; approvals: number; approvalsRequired: number };

/**
 * Dual control: the staff member who asks counts as the first of the environment's distinct
 * approvers. With one required the certificate is issued at once; with more, the issuance waits as a
 * ProviderCertificateRequest for further distinct officers (approveProviderCertificateRequest).
 */
async function issueOrRequest(actor: Actor, env: Env, spec: Spec, subject: string): Promise<ProviderIssuance> {
  return getDb().$transaction(
    async (tx) => {
      if (env.approvalsRequired <= 1) {
        const c = await signSpec(tx, actor, env, spec);
        return { status: "issued" as const, id: c.id, serial: c.serialHex, subject: c.subject, notAfter: c.notAfter };
      }
      const row = await tx.providerCertificateRequest.create({
        data: {
          envId: env.id,
          keySource: spec.keySource,
          csrDer: spec.keySource === "gateway" ? toDbBytes(spec.csrDer) : null,
          commonName: spec.keySource === "keyport" ? spec.commonName : null,
          subject,
          submittedById: actorUserId(actor),
        },
      });
      await recordAudit(tx, actor, {
        action: "provider_certificate.request",
        targetType: "provider_certificate_request",
        targetId: row.id,
        details: { environment: env.code, subject, keySource: spec.keySource, approvals: 1, required: env.approvalsRequired },
      });
      return { status: "pending" as const, requestId: row.id, subject, approvals: 1, approvalsRequired: env.approvalsRequired };
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
}

/**
 * Issue one of the provider's outbound client certificates under the environment's provider client
 * CA, from a CSR made on the provider's gateway (the key never comes to Keyport). clientAuth only;
 * RSA ≥ 2048 or ECDSA P-256/P-384; the CSR's signature must verify. Where the environment needs more
 * than one officer, it waits for them (see issueOrRequest).
 */
export async function issueProviderCertificate(actor: Actor, input: z.input<typeof schema> | Record<string, unknown>): Promise<ProviderIssuance> {
  authorize(actor, "provider-certificate:issue");
  const data = parseInput(schema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  const { csr, subject } = await readGatewayCsr(data.csr);
  return issueOrRequest(actor, env, { keySource: "gateway", csrDer: csr.der }, subject.string);
}

/** The provider's current client certificates of an environment (newest first). */
export async function listProviderCertificates(actor: Actor, envCode: string) {
  authorize(actor, "provider-certificate:issue");
  const env = await requireEnvironment(envCode.toUpperCase());
  const rows = await getDb().certificate.findMany({
    where: { envId: env.id, profileCode: PROVIDER_CLIENT_PROFILE, ca: { kind: "provider_client" } },
    orderBy: { createdAt: "desc" },
    take: 100,
    include: { ca: { select: { certDer: true } } },
  });
  return rows.map((r) => ({ id: r.id, serial: r.serialHex, subject: r.subject, notAfter: r.notAfter, revokedAt: r.revokedAt, der: new Uint8Array(r.der), caDer: new Uint8Array(r.ca.certDer) }));
}

const generatedSchema = z.object({
  environment: describeInput(z.string().trim().min(1, "Choose an environment.").max(32), { expects: "an environment code" }),
  commonName: describeInput(
    z.string({ message: "Name the gateway (CN)." }).trim().min(1, "Name the gateway (CN).").max(64, "At most 64 characters (RFC 5280 ub-common-name).").regex(/^[A-Za-z0-9 ._-]+$/, "Letters, digits, space, dot, underscore and hyphen only."),
    { expects: "a string (the certificate's CN)" },
  ),
});

/**
 * Issue a provider client certificate with a key Keyport generates and seals (lib/ca/provider-key.ts),
 * for gateways that cannot make their own CSR. An admin downloads the key once as PKCS#12. Dual
 * control as for issueProviderCertificate.
 */
export async function issueProviderCertificateWithKey(actor: Actor, input: z.input<typeof generatedSchema> | Record<string, unknown>): Promise<ProviderIssuance> {
  authorize(actor, "provider-certificate:issue");
  const data = parseInput(generatedSchema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  const provider = process.env.KEYPORT_PROVIDER_NAME?.trim() || "Keyport";
  return issueOrRequest(actor, env, { keySource: "keyport", commonName: data.commonName }, `O=${provider}, CN=${data.commonName}`);
}

/** One entry for forms and the API: a gateway CSR (`csr`) when given, else a Keyport-generated key (`commonName`). */
export async function requestProviderCertificate(actor: Actor, input: { environment?: unknown; csr?: unknown; commonName?: unknown }): Promise<ProviderIssuance> {
  authorize(actor, "provider-certificate:issue");
  const hasCsr = (typeof input?.csr === "string" && input.csr.trim() !== "") || input?.csr instanceof Uint8Array;
  return hasCsr ? issueProviderCertificate(actor, { environment: input.environment, csr: input.csr }) : issueProviderCertificateWithKey(actor, { environment: input?.environment, commonName: input?.commonName });
}

async function lockProviderRequest(tx: Tx, id: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM provider_certificate_requests WHERE id = ${id}::uuid FOR UPDATE`;
  if (!locked.length) throw new AppError("not_found", `No provider certificate request with id "${id}".`);
  return tx.providerCertificateRequest.findUniqueOrThrow({ where: { id }, include: { env: true } });
}

/**
 * An officer approves a waiting issuance (never the one who asked; each officer once). With the one
 * who asked, at the environment's number of distinct approvers the certificate is issued in the same transaction.
 */
export async function approveProviderCertificateRequest(actor: Actor, id: string, input: z.input<typeof approveSchema> = {}): Promise<ProviderIssuance> {
  authorize(actor, "provider-certificate:decide");
  const requestId = assertId(id, "provider certificate request");
  const { comment } = parseInput(approveSchema, input ?? {});
  return getDb().$transaction(
    async (tx) => {
      const r = await lockProviderRequest(tx, requestId);
      if (r.status !== "pending") throw alreadyDecided("provider certificate request", r.status);
      const officers = await recordDecision(tx, actor, { kind: "provider_certificate", requestId }, r, { decision: "approve", comment });
      const approvals = officers + 1; // the one who asked is the first
      await recordAudit(tx, actor, {
        action: "provider_certificate.approve",
        targetType: "provider_certificate_request",
        targetId: requestId,
        details: { approvals, required: r.env.approvalsRequired, ...(comment ? { comment } : {}) },
      });
      if (approvals < r.env.approvalsRequired) return { status: "pending" as const, requestId, subject: r.subject, approvals, approvalsRequired: r.env.approvalsRequired };
      const spec: Spec = r.keySource === "gateway" ? { keySource: "gateway", csrDer: new Uint8Array(r.csrDer!) } : { keySource: "keyport", commonName: r.commonName! };
      const c = await signSpec(tx, actor, r.env, spec, requestId);
      await tx.providerCertificateRequest.update({ where: { id: requestId }, data: { status: "issued", certificateId: c.id, decidedAt: new Date() } });
      return { status: "issued" as const, id: c.id, serial: c.serialHex, subject: c.subject, notAfter: c.notAfter };
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
}

/** An officer rejects a waiting issuance with a reason; nothing is issued. */
export async function rejectProviderCertificateRequest(actor: Actor, id: string, input: z.input<typeof rejectSchema> | Record<string, unknown>) {
  authorize(actor, "provider-certificate:decide");
  const requestId = assertId(id, "provider certificate request");
  const { reason } = parseInput(rejectSchema, input ?? {});
  await getDb().$transaction(async (tx) => {
    const r = await lockProviderRequest(tx, requestId);
    if (r.status !== "pending") throw alreadyDecided("provider certificate request", r.status);
    await recordDecision(tx, actor, { kind: "provider_certificate", requestId }, r, { decision: "reject", comment: reason });
    await tx.providerCertificateRequest.update({ where: { id: requestId }, data: { status: "rejected", rejectionReason: reason, decidedAt: new Date() } });
    await recordAudit(tx, actor, { action: "provider_certificate.reject", targetType: "provider_certificate_request", targetId: requestId, details: { reason } });
  });
  return { id: requestId, status: "rejected" as const, reason };
}

const REQUEST_STATUSES = ["pending", "issued", "rejected"] as const;
const requestsPaging = z.object({
  status: z.enum(REQUEST_STATUSES, { message: "status is pending, issued or rejected." }).optional(),
  ...pageParams({ defaultLimit: 100, maxLimit: 500 }),
});
// Newest first (provider_certificate_requests_(env_id_)(status_)created_at_id_idx).
const requestsKeyset = defineKeyset<Prisma.ProviderCertificateRequestWhereInput, Prisma.ProviderCertificateRequestOrderByWithRelationInput>("provider-certificate-requests", [{ field: "createdAt", type: "date" }], "desc");

/** Issuances waiting for officers, and recent decisions (newest first), of one environment or all: the first page. */
export async function listProviderCertificateRequests(actor: Actor, envCode?: string) {
  return (await listProviderCertificateRequestsPage(actor, envCode)).requests;
}

/** One page of provider certificate requests, newest first; with `status`, only those in it (the officers' waiting list: `pending`). */
export async function listProviderCertificateRequestsPage(actor: Actor, envCode?: string, filter: { status?: unknown; limit?: unknown; cursor?: string; before?: string } = {}) {
  authorize(actor, "provider-certificate:issue");
  const f = parseInput(requestsPaging, { status: filter.status === "" ? undefined : filter.status, limit: filter.limit, cursor: filter.cursor, before: filter.before });
  const env = envCode ? await requireEnvironment(envCode.toUpperCase()) : null;
  const base: Prisma.ProviderCertificateRequestWhereInput = { ...(env ? { envId: env.id } : {}), ...(f.status ? { status: f.status } : {}) };
  const found = await requestsKeyset.page(f, ({ where, orderBy, take }) =>
    getDb().providerCertificateRequest.findMany({
      where: { AND: [base, where] },
      orderBy,
      take,
      include: { env: { select: { code: true, approvalsRequired: true } }, approvals: { where: { decision: "approve" }, include: { officer: { select: { name: true } } } } },
    }),
  );
  return { requests: found.rows.map(requestView), nextCursor: found.nextCursor, prevCursor: found.prevCursor };
}

function requestView(r: {
  id: string;
  env: { code: string; approvalsRequired: number };
  status: string;
  subject: string;
  keySource: string;
  submittedById: string | null;
  approvals: { officer: { name: string } }[];
  certificateId: string | null;
  rejectionReason: string | null;
  createdAt: Date;
}) {
  return {
    id: r.id,
    environment: r.env.code,
    status: r.status,
    subject: r.subject,
    keySource: r.keySource,
    submittedById: r.submittedById,
    approvals: r.approvals.length + 1,
    approvalsRequired: r.env.approvalsRequired,
    approvedBy: r.approvals.map((a) => a.officer.name),
    certificateId: r.certificateId,
    rejectionReason: r.rejectionReason,
    createdAt: r.createdAt,
  };
}

/** An admin's one download of a Keyport-generated key, as PKCS#12 under their password; afterwards Keyport holds no copy. */
export async function downloadProviderKeyOnce(actor: Actor, certificateId: string, input: { password?: unknown }) {
  authorize(actor, "provider-key:download");
  const id = assertId(certificateId, "certificate");
  const password = readPkcs12Password(input?.password);
  const body = await getDb().$transaction(
    async (tx) => {
      const p12 = await takeProviderKeyOnce(tx, id, password, actor.type === "user" ? actor.userId : null);
      await recordAudit(tx, actor, { action: "provider_key.download", targetType: "certificate", targetId: id, details: { erased: true } });
      return p12;
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
  return { body, contentType: MEDIA_TYPES.pkcs12.contentType, filename: `provider-client-${id.slice(0, 8)}.p12` };
}
