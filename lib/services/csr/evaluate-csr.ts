import { getDb, type Tx } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { readCsr } from "@/lib/pki/csr/parse-csr";
import type { ParsedCsr } from "@/lib/pki/csr/parse-csr";
import { type Check, accepted, keyReuseCheck, keyTypeId, runCsrChecks } from "@/lib/policy/checks";
import { type Profile, profileAppliesTo } from "@/lib/policy/profile";
import { findProfile } from "@/lib/services/profiles/profiles";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { printable } from "@/lib/control-characters";

export const MAX_CSR_BYTES = 64 * 1024;

type Db = Pick<Tx, "organisation" | "environment" | "profile" | "certificateRequest" | "certificate">;

export type CsrSummary = {
  subject: string;
  subjectAttributes: { name: string; value: string; valueType: string }[];
  keyType: string;
  keyTypeId: string | null;
  publicKeyFingerprint: string;
  signatureAlgorithm: string;
  sans: { type: string; value: string }[];
};

export type CsrEvaluation = {
  accepted: boolean;
  checks: Check[];
  csr: CsrSummary | null;
  parsed: ParsedCsr | null;
  profile: Profile;
  org: { id: string; code: string; legalName: string };
  env: { id: string; code: string; production: boolean };
};

export function summarise(csr: ParsedCsr): CsrSummary {
  return {
    // What will be signed when the subject can be certified; otherwise the CSR's, for the message.
    subject: csr.certificateSubject.ok ? csr.certificateSubject.string : csr.subjectString,
    subjectAttributes: (csr.certificateSubject.ok ? csr.certificateSubject.attributes : csr.subject).map((a) => ({ name: a.name, value: a.value, valueType: a.valueType })),
    keyType: csr.key.label,
    keyTypeId: keyTypeId(csr.key),
    publicKeyFingerprint: csr.publicKeyFingerprint,
    signatureAlgorithm: csr.signature.name,
    sans: csr.sans,
  };
}

/** Where else this public key is: pending requests and any certificate (revoked and expired too), in any org or environment. */
export async function findKeyReuse(db: Db, fingerprint: string, excludeRequestId?: string) {
  const [requests, certificates] = await Promise.all([
    db.certificateRequest.findMany({
      where: { publicKeyFingerprint: fingerprint, status: "pending", ...(excludeRequestId ? { id: { not: excludeRequestId } } : {}) },
      select: { id: true, status: true, org: { select: { code: true } }, env: { select: { code: true } } },
      take: 10,
    }),
    db.certificate.findMany({
      // The certificate issued from the excluded request is that request's own outcome, not reuse.
      where: { publicKeyFingerprint: fingerprint, ...(excludeRequestId ? { OR: [{ requestId: null }, { requestId: { not: excludeRequestId } }] } : {}) },
      select: { id: true, revokedAt: true, notAfter: true, org: { select: { code: true } }, env: { select: { code: true } } },
      take: 10,
    }),
  ]);
  const now = Date.now();
  return [
    ...requests.map((r) => ({ kind: "request" as const, id: r.id, orgCode: r.org.code, envCode: r.env.code, status: r.status })),
    ...certificates.map((c) => ({
      kind: "certificate" as const,
      id: c.id,
      orgCode: c.org?.code ?? "provider",
      envCode: c.env.code,
      status: c.revokedAt ? "revoked" : c.notAfter.getTime() < now ? "expired" : "issued",
    })),
  ];
}

/**
 * Run exactly the checks a submission runs: intake, parsing, the profile's
 * named checks and key reuse. Never stores or logs the input.
 */
export async function evaluateCsr(
  actor: Actor,
  input: { csr: string | Uint8Array; orgCode: string; envCode: string; profileCode?: string },
  db: Db = getDb(),
  opts: { excludeRequestId?: string } = {},
): Promise<CsrEvaluation> {
  authorize(actor, "csr:check");
  const size = typeof input.csr === "string" ? new TextEncoder().encode(input.csr).length : input.csr.length;
  if (size > MAX_CSR_BYTES) throw new AppError("too_large", `The CSR is ${size} bytes; at most ${MAX_CSR_BYTES} bytes (64 KiB) are accepted.`);
  // A partner can only check against its own organisation.
  if (actor.type === "user" && actor.role === "partner") {
    const own = actor.orgId ? await db.organisation.findUnique({ where: { id: actor.orgId } }) : null;
    if (!own || own.code !== input.orgCode) throw new AppError("not_found", `No organisation with code "${input.orgCode}".`);
  }
  const org = await db.organisation.findUnique({ where: { code: input.orgCode } });
  if (!org) throw new AppError("not_found", `No organisation with code "${input.orgCode}".`, { org: "Unknown organisation." });
  // The environment and profile are fields of the caller's input: unknown is a 422 naming the field.
  const env = await requireEnvironment(input.envCode, "environment", db);
  const profileCode = input.profileCode ?? "mtls-client";
  const profile = await findProfile(profileCode, db);
  if (!profile) {
    const message = `No profile with code "${printable(profileCode, 64)}".`;
    throw new AppError("validation_failed", message, { profile: message });
  }
  if (!profileAppliesTo(profile, env.code)) {
    throw new AppError("validation_failed", `Profile "${profile.code}" is not available in environment ${env.code}.`, { profile: "Not available in this environment." });
  }
  const base = { profile, org: { id: org.id, code: org.code, legalName: org.legalName }, env: { id: env.id, code: env.code, production: env.production } };

  const read = await readCsr(input.csr);
  if (!read.ok) {
    return { ...base, accepted: false, checks: [{ code: `csr.${read.finding.code}`, result: "fail", message: read.finding.message }], csr: null, parsed: null };
  }
  const csr = read.csr;
  const checks = runCsrChecks(csr, profile, { orgCode: org.code, orgName: org.legalName, envCode: env.code });
  // A partner learns nothing about other organisations' keys beyond the fact of reuse.
  const viewerOrgCode = actor.type === "user" && actor.role === "partner" ? org.code : null;
  checks.push(keyReuseCheck(await findKeyReuse(db, csr.publicKeyFingerprint, opts.excludeRequestId), viewerOrgCode));
  return { ...base, accepted: accepted(checks), checks, csr: summarise(csr), parsed: csr };
}
