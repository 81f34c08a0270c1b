import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import { parseInput } from "@/lib/validation";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { MEDIA_TYPES } from "@/lib/pki/cert/download-formats";
import { buildCertsOnlyPkcs7 } from "@/lib/pki/pkcs7/certs-only";
import { buildTruststorePkcs12 } from "@/lib/pki/pkcs12/build-pkcs12";
import { assertPkcs12Password } from "@/lib/pki/pkcs12/password";
import { pemEncode } from "@/lib/pki/pem";
import { forAudience } from "@/lib/services/requests/approvals";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { assertId, orgWhere } from "@/lib/services/scope";
import { SERVER_CHAIN_FORMATS, type ServerChainFormat } from "./schemas";

const include = { env: { select: { code: true, approvalsRequired: true } }, org: { select: { code: true } }, approvals: { include: { officer: { select: { name: true, email: true } } }, orderBy: { createdAt: "asc" as const } } };
type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>["partnerServerChain"]["findFirst"]>>> & {
  env: { code: string; approvalsRequired: number };
  org: { code: string };
  approvals: { decision: string; comment: string | null; createdAt: Date; officerId: string; officer: { name: string; email: string } }[];
};

function view(r: Row) {
  return {
    id: r.id,
    status: r.status,
    environment: r.env.code,
    organisation: r.org.code,
    endpoint: r.endpointUrl,
    hosts: r.hosts as string[],
    certificates: r.certificates as { role: string; subject: string; issuer: string; serialHex: string; notBefore: string; notAfter: string; sha256Fingerprint: string; key: string }[],
    findings: r.findings as { code: string; result: string; message: string }[],
    rootFingerprint: r.rootFingerprint,
    notAfter: r.notAfter,
    approvals: r.approvals.filter((a) => a.decision === "approve").map((a) => ({ officer: a.officer.name, email: a.officer.email, officerId: a.officerId, comment: a.comment, at: a.createdAt })),
    approvalsRequired: r.env.approvalsRequired,
    rejectionReason: r.rejectionReason,
    submittedAt: r.createdAt,
    endorsedAt: r.endorsedAt,
    retiredAt: r.retiredAt,
  };
}
export type ServerChainView = ReturnType<typeof view>;

export async function getServerChain(actor: Actor, id: string) {
  authorize(actor, "server-chain:read");
  const row = await getDb().partnerServerChain.findFirst({ where: { id: assertId(id, "server CA chain"), ...orgWhere(actor) }, include });
  if (!row) throw new AppError("not_found", `No server CA chain with id "${id}".`);
  return forAudience(actor, view(row as Row));
}

type Paging = { limit?: unknown; cursor?: string; before?: string };
const pagingOf = (schema: z.ZodType<{ limit: number; cursor?: string; before?: string }>, f: Paging) => parseInput(schema, { limit: f.limit, cursor: f.cursor, before: f.before });
const chainsPaging = z.object(pageParams({ defaultLimit: 200, maxLimit: 500 }));
// Newest first (partner_server_chains_(org_id_|env_id_)created_at_id_idx).
const chainsKeyset = defineKeyset<Prisma.PartnerServerChainWhereInput, Prisma.PartnerServerChainOrderByWithRelationInput>("server-chains", [{ field: "createdAt", type: "date" }], "desc");

/** One page of partner server CA chains, newest first; the certificates' DER stays in the table (their parsed summary is shown). */
export async function listServerChainsPage(actor: Actor, filter: { environment?: string; organisation?: string; status?: string } & Paging = {}) {
  authorize(actor, "server-chain:read");
  const paging = pagingOf(chainsPaging, filter);
  const base: Prisma.PartnerServerChainWhereInput = {
    ...orgWhere(actor),
    ...(filter.environment ? { env: { code: filter.environment.toUpperCase() } } : {}),
    ...(filter.organisation ? { org: { code: filter.organisation } } : {}),
    ...(filter.status && ["pending", "endorsed", "rejected", "retired"].includes(filter.status) ? { status: filter.status as "pending" } : {}),
  };
  const page = await chainsKeyset.page(paging, ({ where, orderBy, take }) => getDb().partnerServerChain.findMany({ where: { AND: [base, where] }, include, omit: { chainDer: true, serverCertDer: true }, orderBy, take }));
  return { chains: page.rows.map((r) => forAudience(actor, view(r as unknown as Row))), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listServerChainsPage). */
export async function listServerChains(actor: Actor, filter: { environment?: string; organisation?: string; status?: string } & Paging = {}) {
  return (await listServerChainsPage(actor, filter)).chains;
}

/** The endorsed chains of an environment (one per organisation), for the egress gateway. */
export async function endorsedChains(actor: Actor, envCode: string) {
  authorize(actor, "server-chain:read");
  const env = await requireEnvironment(envCode.toUpperCase());
  const rows = await getDb().partnerServerChain.findMany({ where: { envId: env.id, status: "endorsed", ...orgWhere(actor) }, include: { org: { select: { code: true } } }, orderBy: { endorsedAt: "asc" } });
  return { env, chains: rows.map((r) => ({ id: r.id, organisation: r.org.code, chainDer: r.chainDer.map((d) => new Uint8Array(d)), endpoint: r.endpointUrl, hosts: r.hosts as string[], notAfter: r.notAfter })) };
}

/**
 * A chain as a file: a PEM bundle (issuing CA first), PKCS#7 certs-only, or a PKCS#12 truststore Java's
 * keytool lists as trusted entries. By id, or the endorsed chain of an organisation and environment.
 */
export async function downloadServerChain(actor: Actor, id: string, format: string, opts: { password?: string } = {}) {
  authorize(actor, "server-chain:read");
  if (!(SERVER_CHAIN_FORMATS as readonly string[]).includes(format)) throw new AppError("bad_request", `Unknown format "${format.slice(0, 40)}"; use one of ${SERVER_CHAIN_FORMATS.join(", ")}.`);
  const db = getDb();
  const row = await db.partnerServerChain.findFirst({ where: { id: assertId(id, "server CA chain"), ...orgWhere(actor) }, include: { env: true, org: true } });
  if (!row) throw new AppError("not_found", `No server CA chain with id "${id}".`);
  const ders = row.chainDer.map((d) => new Uint8Array(d));
  const base = `${row.org.code}-${row.env.code}-server-ca`;
  let file: { body: Uint8Array | string; contentType: string; filename: string };
  switch (format as ServerChainFormat) {
    case "pem":
      file = { body: ders.map((d) => pemEncode("CERTIFICATE", d)).join(""), contentType: MEDIA_TYPES.pem.contentType, filename: `${base}.pem` };
      break;
    case "p7b":
      file = { body: buildCertsOnlyPkcs7(ders), contentType: MEDIA_TYPES.pkcs7.contentType, filename: `${base}.p7b` };
      break;
    default: {
      const password = opts.password ?? "";
      if (password.length < 8 || password.length > 128) throw new AppError("validation_failed", "Give a truststore password of 8 to 128 printable ASCII characters.", { password: "8 to 128 printable ASCII characters." });
      try {
        assertPkcs12Password(password);
      } catch (e) {
        throw new AppError("validation_failed", e instanceof Error ? e.message : "Invalid password.", { password: "Printable ASCII only." });
      }
      file = { body: await buildTruststorePkcs12({ certificatesDer: ders, password }), contentType: MEDIA_TYPES.pkcs12.contentType, filename: `${base}-truststore.p12` };
    }
  }
  await db.$transaction((tx) =>
    recordAudit(tx, actor, { action: "server_chain.download", orgId: row.orgId, targetType: "server_chain", targetId: row.id, details: { format, environment: row.env.code } }),
  );
  return file;
}

/** The id of an organisation's active (endorsed) chain in an environment, for downloads by org × env. */
export async function activeServerChainId(actor: Actor, envCode: string, orgCode?: string) {
  authorize(actor, "server-chain:read");
  const row = await getDb().partnerServerChain.findFirst({
    where: { status: "endorsed", env: { code: envCode.toUpperCase() }, ...orgWhere(actor), ...(orgCode ? { org: { code: orgCode } } : {}) },
    select: { id: true },
    orderBy: { endorsedAt: "desc" },
  });
  if (!row) throw new AppError("not_found", `No endorsed server CA chain in ${envCode.toUpperCase()}${orgCode ? ` for ${orgCode}` : ""}.`);
  return row.id;
}
