import { getDb, type Tx } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { readCsr } from "@/lib/pki/csr/parse-csr";
import type { ParsedCsr } from "@/lib/pki/csr/parse-csr";
import { type Check, type KeyReuseHit, accepted, jwsKeyCheck, keyReuseCheck, keyTypeId, runCsrChecks } from "@/lib/policy/checks";
import type { KeyUseHit } from "@/lib/services/jws-keys/key-use";
import { SERVER_CHECK_OPTIONS } from "./key-quality-options";
import { type Profile, profileAppliesTo } from "@/lib/policy/profile";
import { findProfile } from "@/lib/services/profiles/profiles";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { printable } from "@/lib/control-characters";
import type { SanLists } from "@/lib/pki/cert/san-names";

export const MAX_CSR_BYTES = 64 * 1024;

type Db = Pick<Tx, "organisation" | "environment" | "profile" | "$queryRaw">;

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
  return (await findCsrKeyUses(db, fingerprint, excludeRequestId)).reuse;
}

type KeyUseRow = { kind: "request" | "certificate" | "jws-key" | "provider-jws-key"; id: string; org_code: string | null; env_code: string; status: string | null; revoked_at: Date | null; not_after: Date | null };

/**
 * Every use of a CSR's key in one statement: pending requests and certificates (key.reuse), partner
 * and provider JWS keys (key.jws). A request's own certificate is not reuse of it.
 */
export async function findCsrKeyUses(db: Db, fingerprint: string, excludeRequestId?: string): Promise<{ reuse: KeyReuseHit[]; jws: KeyUseHit[] }> {
  const exclude = excludeRequestId ?? null;
  const rows = await db.$queryRaw<KeyUseRow[]>`
    (SELECT 'request' AS kind, r.id::text AS id, o.code AS org_code, e.code AS env_code, r.status::text AS status, NULL::timestamptz AS revoked_at, NULL::timestamptz AS not_after
       FROM certificate_requests r JOIN organisations o ON o.id = r.org_id JOIN environments e ON e.id = r.env_id
      WHERE r.public_key_fingerprint = ${fingerprint} AND r.status IN ('pending', 'awaiting_partner_confirmation') AND (${exclude}::uuid IS NULL OR r.id <> ${exclude}::uuid)
      LIMIT 10)
    UNION ALL
    (SELECT 'certificate', c.id::text, o.code, e.code, NULL, c.revoked_at, c.not_after
       FROM certificates c LEFT JOIN organisations o ON o.id = c.org_id JOIN environments e ON e.id = c.env_id
      WHERE c.public_key_fingerprint = ${fingerprint} AND (${exclude}::uuid IS NULL OR c.request_id IS NULL OR c.request_id <> ${exclude}::uuid)
      LIMIT 10)
    UNION ALL
    (SELECT 'jws-key', k.id::text, o.code, e.code, k.status::text, NULL, NULL
       FROM partner_jws_keys k JOIN organisations o ON o.id = k.org_id JOIN environments e ON e.id = k.env_id
      WHERE k.spki_sha256 = ${fingerprint} AND k.status <> 'rejected'
      LIMIT 5)
    UNION ALL
    (SELECT 'provider-jws-key', k.id::text, 'provider', e.code, 'provider', NULL, NULL
       FROM provider_jws_keys k JOIN environments e ON e.id = k.env_id
      WHERE k.spki_sha256 = ${fingerprint}
      LIMIT 5)`;
  const now = Date.now();
  const reuse: KeyReuseHit[] = [];
  const jws: KeyUseHit[] = [];
  for (const r of rows) {
    if (r.kind === "request") reuse.push({ kind: "request", id: r.id, orgCode: r.org_code ?? "provider", envCode: r.env_code, status: r.status ?? "pending" });
    else if (r.kind === "certificate") {
      reuse.push({ kind: "certificate", id: r.id, orgCode: r.org_code ?? "provider", envCode: r.env_code, status: r.revoked_at ? "revoked" : r.not_after && r.not_after.getTime() < now ? "expired" : "issued" });
    } else jws.push({ kind: r.kind, id: r.id, orgCode: r.org_code ?? "provider", envCode: r.env_code, status: r.status ?? "" });
  }
  return { reuse, jws };
}

export type CsrContext = Pick<CsrEvaluation, "profile" | "org" | "env">;

/** The organisation, environment and profile a CSR is checked against (the partner scope included). */
export async function loadCsrContext(actor: Actor, input: { orgCode: string; envCode: string; profileCode?: string }, db: Db = getDb()): Promise<CsrContext> {
  // A partner can only check against its own organisation.
  if (actor.type === "user" && actor.role === "partner") {
    const own = actor.orgId ? await db.organisation.findUnique({ where: { id: actor.orgId } }) : null;
    if (!own || own.code !== input.orgCode) throw new AppError("not_found", `No organisation with code "${input.orgCode}".`);
  }
  const org = await db.organisation.findUnique({ where: { code: input.orgCode } });
  if (!org) throw new AppError("not_found", `No organisation with code "${input.orgCode}".`, { org: "Unknown organisation." });
  // The environment and profile are fields of the caller's input: unknown is a 422 naming the field.
  const env = await requireEnvironment(input.envCode, "environment", db);
  return contextFor(await loadProfile(input.profileCode, env.code, db), org, env);
}

/** The profile by code, available in this environment (a 422 naming the field otherwise). */
export async function loadProfile(profileCode: string | undefined, envCode: string, db: Pick<Tx, "profile"> = getDb()): Promise<Profile> {
  const code = profileCode ?? "mtls-client";
  const profile = await findProfile(code, db);
  if (!profile) {
    const message = `No profile with code "${printable(code, 64)}".`;
    throw new AppError("validation_failed", message, { profile: message });
  }
  if (!profileAppliesTo(profile, envCode)) {
    throw new AppError("validation_failed", `Profile "${profile.code}" is not available in environment ${envCode}.`, { profile: "Not available in this environment." });
  }
  return profile;
}

export function contextFor(profile: Profile, org: { id: string; code: string; legalName: string }, env: { id: string; code: string; production: boolean }): CsrContext {
  return { profile, org: { id: org.id, code: org.code, legalName: org.legalName }, env: { id: env.id, code: env.code, production: env.production } };
}

/**
 * The checks that need only the parsed CSR and its context: no database, no parsing. Submission
 * runs them once; the final approval runs them again on the same kind of parse result.
 */
export function evaluateParsedCsr(read: Awaited<ReturnType<typeof readCsr>>, context: CsrContext, entered: SanLists = { dns: [], ip: [] }): CsrEvaluation {
  if (!read.ok) {
    return { ...context, accepted: false, checks: [{ code: `csr.${read.finding.code}`, result: "fail", message: read.finding.message }], csr: null, parsed: null };
  }
  const csr = read.csr;
  const checks = runCsrChecks(csr, context.profile, { orgCode: context.org.code, orgName: context.org.legalName, envCode: context.env.code }, SERVER_CHECK_OPTIONS, entered);
  return { ...context, accepted: accepted(checks), checks, csr: summarise(csr), parsed: csr };
}

/** The key-reuse check appended to an evaluation (the one database query a CSR's checks need). */
export async function addKeyReuseCheck(actor: Actor, evaluation: CsrEvaluation, db: Db, excludeRequestId?: string): Promise<CsrEvaluation> {
  if (!evaluation.parsed) return evaluation;
  // A partner learns nothing about other organisations' keys beyond the fact of reuse.
  const viewerOrgCode = actor.type === "user" && actor.role === "partner" ? evaluation.org.code : null;
  const fingerprint = evaluation.parsed.publicKeyFingerprint;
  const { reuse, jws } = await findCsrKeyUses(db, fingerprint, excludeRequestId);
  const checks = [...evaluation.checks, keyReuseCheck(reuse, viewerOrgCode), jwsKeyCheck(jws, viewerOrgCode)];
  return { ...evaluation, checks, accepted: accepted(checks) };
}

export function assertCsrSize(csr: string | Uint8Array): void {
  const size = typeof csr === "string" ? new TextEncoder().encode(csr).length : csr.length;
  if (size > MAX_CSR_BYTES) throw new AppError("too_large", `The CSR is ${size} bytes; at most ${MAX_CSR_BYTES} bytes (64 KiB) are accepted.`);
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
  assertCsrSize(input.csr);
  const context = await loadCsrContext(actor, input, db);
  return addKeyReuseCheck(actor, evaluateParsedCsr(await readCsr(input.csr), context), db, opts.excludeRequestId);
}
