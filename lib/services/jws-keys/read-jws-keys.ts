import type { JWK } from "jose";
import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import { parseInput } from "@/lib/validation";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { forAudience } from "@/lib/services/requests/approvals";
import { assertId, orgWhere } from "@/lib/services/scope";
import { jwsKeyState } from "./key-state";

const include = { env: { select: { code: true, approvalsRequired: true } }, org: { select: { code: true } }, approvals: { include: { officer: { select: { name: true, email: true } } }, orderBy: { createdAt: "asc" as const } } };
type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>["partnerJwsKey"]["findFirst"]>>> & {
  env: { code: string; approvalsRequired: number };
  org: { code: string };
  approvals: { decision: string; comment: string | null; createdAt: Date; officerId: string; officer: { name: string; email: string } }[];
};

function view(r: Row, now = new Date()) {
  return {
    id: r.id,
    status: r.status,
    state: jwsKeyState(r, now),
    environment: r.env.code,
    organisation: r.org.code,
    kid: r.kid,
    alg: r.alg,
    key: r.keyLabel,
    source: r.source,
    jwk: r.jwk as JWK,
    spkiSha256: r.spkiSha256,
    approvals: r.approvals.filter((a) => a.decision === "approve").map((a) => ({ officer: a.officer.name, email: a.officer.email, officerId: a.officerId, comment: a.comment, at: a.createdAt })),
    approvalsRequired: r.env.approvalsRequired,
    rejectionReason: r.rejectionReason,
    submittedAt: r.createdAt,
    endorsedAt: r.endorsedAt,
    retireAt: r.retireAt,
  };
}
export type JwsKeyView = ReturnType<typeof view>;

export async function getJwsKey(actor: Actor, id: string) {
  authorize(actor, "jws-key:read");
  const row = await getDb().partnerJwsKey.findFirst({ where: { id: assertId(id, "JWS key"), ...orgWhere(actor) }, include });
  if (!row) throw new AppError("not_found", `No JWS key with id "${id}".`);
  return forAudience(actor, view(row as Row));
}

const STATUSES = ["pending", "endorsed", "rejected"] as const;

type Paging = { limit?: unknown; cursor?: string; before?: string };
const pagingOf = (schema: z.ZodType<{ limit: number; cursor?: string; before?: string }>, f: Paging) => parseInput(schema, { limit: f.limit, cursor: f.cursor, before: f.before });
const jwsKeysPaging = z.object(pageParams({ defaultLimit: 200, maxLimit: 500 }));
// Newest first (partner_jws_keys_(org_id_|env_id_)created_at_id_idx).
const jwsKeysKeyset = defineKeyset<Prisma.PartnerJwsKeyWhereInput, Prisma.PartnerJwsKeyOrderByWithRelationInput>("jws-keys", [{ field: "createdAt", type: "date" }], "desc");

/** One page of partner JWS keys (partners: their own), newest first; the key bytes stay in the table (the JWK is shown). */
export async function listJwsKeysPage(actor: Actor, filter: { environment?: string; organisation?: string; status?: string } & Paging = {}) {
  authorize(actor, "jws-key:read");
  if (filter.status && !(STATUSES as readonly string[]).includes(filter.status)) {
    throw new AppError("validation_failed", `Unknown status "${filter.status.slice(0, 20)}"; use ${STATUSES.join(", ")}.`, { status: "Unknown status." });
  }
  const paging = pagingOf(jwsKeysPaging, filter);
  const base: Prisma.PartnerJwsKeyWhereInput = {
    ...orgWhere(actor),
    ...(filter.environment ? { env: { code: filter.environment.toUpperCase() } } : {}),
    ...(filter.organisation ? { org: { code: filter.organisation } } : {}),
    ...(filter.status ? { status: filter.status as (typeof STATUSES)[number] } : {}),
  };
  const page = await jwsKeysKeyset.page(paging, ({ where, orderBy, take }) => getDb().partnerJwsKey.findMany({ where: { AND: [base, where] }, include, omit: { spkiDer: true, certDer: true }, orderBy, take }));
  const now = new Date();
  return { keys: page.rows.map((r) => forAudience(actor, view(r as unknown as Row, now))), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listJwsKeysPage). */
export async function listJwsKeys(actor: Actor, filter: { environment?: string; organisation?: string; status?: string } & Paging = {}) {
  return (await listJwsKeysPage(actor, filter)).keys;
}
