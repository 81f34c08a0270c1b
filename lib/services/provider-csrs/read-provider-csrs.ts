import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { pemEncode } from "@/lib/pki/pem";
import { assertId, orgWhere } from "@/lib/services/scope";

const include = { env: { select: { code: true, minTrustValidityDays: true } }, org: { select: { code: true } } } as const;
type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>["providerCsr"]["findFirst"]>>> & { env: { code: string; minTrustValidityDays: number }; org: { code: string } };

const STATUSES = ["awaiting_certificate", "active", "retired", "cancelled"] as const;

function view(r: Row) {
  return {
    id: r.id,
    status: r.status,
    environment: r.env.code,
    organisation: r.org.code,
    orgId: r.orgId,
    subject: r.subject,
    profile: r.profileCode,
    publicKeyFingerprint: r.publicKeyFingerprint,
    keySource: r.keySource as "gateway" | "keyport",
    keyDownloaded: r.keyDownloadedAt !== null,
    csrPem: pemEncode("CERTIFICATE REQUEST", new Uint8Array(r.csrDer)),
    minValidityDays: r.env.minTrustValidityDays,
    certificate: r.certDer
      ? { serial: r.certSerialHex, sha256Fingerprint: r.certSha256, issuer: r.certIssuer, notAfter: r.certNotAfter, pem: pemEncode("CERTIFICATE", new Uint8Array(r.certDer)) }
      : null,
    createdAt: r.createdAt,
    signedAt: r.signedAt,
    retiredAt: r.retiredAt,
  };
}
export type ProviderCsrView = ReturnType<typeof view>;

/** One provider CSR: partners see those of their organisation only. */
export async function getProviderCsr(actor: Actor, id: string): Promise<ProviderCsrView> {
  authorize(actor, "provider-csr:read");
  const row = await getDb().providerCsr.findFirst({ where: { id: assertId(id, "provider CSR"), ...orgWhere(actor) }, include });
  if (!row) throw new AppError("not_found", `No provider CSR with id "${id.slice(0, 64)}".`);
  return view(row as Row);
}

export async function listProviderCsrs(actor: Actor, filter: { environment?: string; organisation?: string; status?: string } = {}) {
  authorize(actor, "provider-csr:read");
  if (filter.status && !(STATUSES as readonly string[]).includes(filter.status)) {
    throw new AppError("validation_failed", `Unknown status "${filter.status.slice(0, 40)}"; use one of ${STATUSES.join(", ")}.`, { status: "Unknown status." });
  }
  const rows = await getDb().providerCsr.findMany({
    where: {
      ...orgWhere(actor),
      ...(filter.environment ? { env: { code: filter.environment.toUpperCase() } } : {}),
      ...(filter.organisation ? { org: { code: filter.organisation } } : {}),
      ...(filter.status ? { status: filter.status as (typeof STATUSES)[number] } : {}),
    },
    include,
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  return rows.map((r) => view(r as Row));
}

/** The CSR as a PEM file, for the partner to sign with its CA (the download is audited). */
export async function providerCsrFile(actor: Actor, id: string) {
  const v = await getProviderCsr(actor, id);
  await getDb().$transaction((tx) =>
    recordAudit(tx, actor, { action: "provider_csr.download", orgId: v.orgId, targetType: "provider_csr", targetId: v.id, details: { environment: v.environment, organisation: v.organisation } }),
  );
  return { body: v.csrPem, contentType: "application/pkcs10", filename: `${v.organisation}-${v.environment}-provider-client.csr` };
}
