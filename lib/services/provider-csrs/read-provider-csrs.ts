import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import { parseInput } from "@/lib/validation";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { pemEncode } from "@/lib/pki/pem";
import { assertId, orgWhere } from "@/lib/services/scope";
import { PROVIDER_CSR_SEALED_KEY_OMIT } from "@/lib/ca/provider-csr-key";

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

type Paging = { limit?: unknown; cursor?: string; before?: string };
const pagingOf = (schema: z.ZodType<{ limit: number; cursor?: string; before?: string }>, f: Paging) => parseInput(schema, { limit: f.limit, cursor: f.cursor, before: f.before });
const csrsPaging = z.object(pageParams({ defaultLimit: 200, maxLimit: 500 }));
// Newest first (provider_csrs_(org_id_|env_id_)created_at_id_idx). A provider CSR's list entry shows
// its CSR and certificate as PEM (the API's shape since the start), so these rows keep their DER;
// there is one live CSR per organisation and environment, and the page is bounded.
const csrsKeyset = defineKeyset<Prisma.ProviderCsrWhereInput, Prisma.ProviderCsrOrderByWithRelationInput>("provider-csrs", [{ field: "createdAt", type: "date" }], "desc");

/** One page of provider CSRs, newest first, with the next and previous pages' cursors. */
export async function listProviderCsrsPage(actor: Actor, filter: { environment?: string; organisation?: string; status?: string } & Paging = {}) {
  authorize(actor, "provider-csr:read");
  if (filter.status && !(STATUSES as readonly string[]).includes(filter.status)) {
    throw new AppError("validation_failed", `Unknown status "${filter.status.slice(0, 40)}"; use one of ${STATUSES.join(", ")}.`, { status: "Unknown status." });
  }
  const paging = pagingOf(csrsPaging, filter);
  const base: Prisma.ProviderCsrWhereInput = {
    ...orgWhere(actor),
    ...(filter.environment ? { env: { code: filter.environment.toUpperCase() } } : {}),
    ...(filter.organisation ? { org: { code: filter.organisation } } : {}),
    ...(filter.status ? { status: filter.status as (typeof STATUSES)[number] } : {}),
  };
  const page = await csrsKeyset.page(paging, ({ where, orderBy, take }) =>
    getDb().providerCsr.findMany({ where: { AND: [base, where] }, include, omit: { ...PROVIDER_CSR_SEALED_KEY_OMIT, subjectDer: true, spkiDer: true }, orderBy, take }),
  );
  return { csrs: page.rows.map((r) => view(r as unknown as Row)), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listProviderCsrsPage). */
export async function listProviderCsrs(actor: Actor, filter: { environment?: string; organisation?: string; status?: string } & Paging = {}) {
  return (await listProviderCsrsPage(actor, filter)).csrs;
}

/** The CSR as a PEM file, for the partner to sign with its CA (the download is audited). */
export async function providerCsrFile(actor: Actor, id: string) {
  const v = await getProviderCsr(actor, id);
  await getDb().$transaction((tx) =>
    recordAudit(tx, actor, { action: "provider_csr.download", orgId: v.orgId, targetType: "provider_csr", targetId: v.id, details: { environment: v.environment, organisation: v.organisation } }),
  );
  return { body: v.csrPem, contentType: "application/pkcs10", filename: `${v.organisation}-${v.environment}-provider-client.csr` };
}
