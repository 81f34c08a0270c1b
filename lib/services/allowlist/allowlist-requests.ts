import { z } from "zod";
import { assertEnoughPartnerOfficers } from "@/lib/services/requests/partner-officers";
import { getDb, type Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { emitEvent } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { type JudgedEntry, REQUEST_LIMITS, judgeEntries, overlaps, parseCidr } from "@/lib/net/cidr";
import { describeInput, parseInput } from "@/lib/validation";
import { actorUserId, assertId, orgScope, orgWhere } from "@/lib/services/scope";
import { type ApprovalView, alreadyDecided, approveSchema, forAudience, recordDecision, rejectSchema } from "@/lib/services/requests/approvals";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { EXPORT_BATCH_ROWS, defineKeyset, pageParams } from "@/lib/db/keyset";

export const MAX_ENTRIES = REQUEST_LIMITS.entries;

const entryInput = describeInput(
  z.union([z.string(), z.object({ cidr: z.string() }).transform((o) => o.cidr), z.object({ address: z.string() }).transform((o) => o.address)]),
  { expects: 'a string such as "203.0.113.10" or "2001:db8::/48"' },
);

export const submitAllowlistSchema = z.object({
  environment: describeInput(z.string({ message: "Choose an environment." }).trim().min(1, "Choose an environment.").max(32), {
    expects: 'a string (an environment code such as "PPR")',
  }),
  kind: z.enum(["add", "remove"], { message: 'kind is "add" or "remove".' }).default("add"),
  entries: describeInput(
    z
      .array(entryInput, { message: "entries is a list of IP addresses or CIDR ranges." })
      .min(1, "Give at least one IP address or CIDR range.")
      .max(MAX_ENTRIES, `At most ${MAX_ENTRIES} entries per request.`),
    { expects: 'a list of IP addresses or CIDR ranges, such as ["203.0.113.10", "2001:db8::/48"]' },
  ),
  note: describeInput(z.string({ message: "The note must be text." }).trim().max(REQUEST_LIMITS.note, `At most ${REQUEST_LIMITS.note} characters.`).default(""), { multiline: true }),
});

/** Split a textarea into entries: one per line or comma, `#` starts a comment. */
export function splitEntries(text: string): string[] {
  return text
    .split(/\r?\n|,/)
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter(Boolean);
}

const include = {
  org: { select: { code: true, legalName: true } },
  env: { select: { code: true, name: true, approvalsRequired: true, production: true } },
  submittedBy: { select: { name: true } },
  entries: true,
  approvals: { include: { officer: { select: { id: true, name: true, email: true } } }, orderBy: { createdAt: "asc" } },
} satisfies Prisma.AllowlistRequestInclude;

type Row = Prisma.AllowlistRequestGetPayload<{ include: typeof include }>;

export function allowlistRequestView(r: Row) {
  return {
    id: r.id,
    type: "allowlist" as const,
    kind: r.kind,
    status: r.status,
    environment: r.env.code,
    environmentName: r.env.name,
    production: r.env.production,
    organisation: r.org.code,
    organisationName: r.org.legalName,
    note: r.note,
    entries: r.entries.map((e) => ({ cidr: e.cidr, input: e.input, entryId: e.entryId, warnings: e.warnings as { code: string; message: string }[] })),
    approvals: r.approvals
      .filter((a) => a.decision === "approve")
      .map((a): ApprovalView => ({ officerId: a.officer.id, officer: a.officer.name, email: a.officer.email, comment: a.comment, at: a.createdAt })),
    approvalsRequired: r.env.approvalsRequired,
    rejectionReason: r.rejectionReason,
    submittedAt: r.createdAt,
    submittedBy: r.submittedBy?.name ?? null,
    submittedById: r.submittedById,
    decidedAt: r.decidedAt,
  };
}

export type AllowlistRequestView = ReturnType<typeof allowlistRequestView>;

async function activeEntries(tx: Pick<Tx, "allowlistEntry">, envId: string, orgId?: string) {
  return tx.allowlistEntry.findMany({ where: { envId, removedAt: null, ...(orgId ? { orgId } : {}) }, include: { org: { select: { code: true } } }, orderBy: { createdAt: "asc" } });
}

/** Judge entries for a partner's organisation: against its approved entries and its pending requests. */
export async function judgeForOrg(tx: Pick<Tx, "allowlistEntry" | "allowlistRequestEntry">, env: { id: string; production: boolean }, orgId: string, inputs: string[]) {
  const approved = await activeEntries(tx, env.id, orgId);
  const pending = await tx.allowlistRequestEntry.findMany({ where: { request: { envId: env.id, orgId, status: "pending", kind: "add" } }, select: { cidr: true } });
  return judgeEntries(inputs, {
    production: env.production,
    existing: [...approved.map((e) => ({ cidr: e.cidr, label: e.note || "approved" })), ...pending.map((p) => ({ cidr: p.cidr, label: "requested" }))],
  });
}

function entryErrors(judged: JudgedEntry[]): AppError | null {
  const bad = judged.filter((j) => j.issues.some((i) => i.severity === "error"));
  if (!bad.length) return null;
  const fields: Record<string, string> = {};
  judged.forEach((j, i) => {
    const errors = j.issues.filter((x) => x.severity === "error");
    if (errors.length) fields[`entries.${i}`] = errors.map((x) => x.message).join(" ");
  });
  return new AppError(
    "validation_failed",
    bad.length === 1 ? `${bad[0].input}: ${bad[0].issues.find((i) => i.severity === "error")!.message}` : `${bad.length} entries cannot be accepted.`,
    { ...fields, entries: bad.map((j) => `${j.input}: ${j.issues.filter((x) => x.severity === "error").map((x) => x.message).join(" ")}`).join("\n") },
    {
      entries: judged.map((j) => ({
        input: j.input,
        cidr: j.cidr,
        errors: j.issues.filter((x) => x.severity === "error").map(({ code, message }) => ({ code, message })),
        warnings: j.issues.filter((x) => x.severity === "warning").map(({ code, message }) => ({ code, message })),
      })),
    },
  );
}

/** A partner asks for source IPs to be added to (or removed from) an environment's allowlist. */
export async function submitAllowlistRequest(actor: Actor, input: z.input<typeof submitAllowlistSchema>) {
  authorize(actor, "allowlist:submit");
  const orgId = orgScope(actor);
  if (!orgId) throw new AppError("forbidden", "Only a partner organisation's users request allowlist entries.");
  const data = parseInput(submitAllowlistSchema, input ?? {});
  const db = getDb();
  const env = await requireEnvironment(data.environment);

  return db.$transaction(async (tx) => {
    // One writer per organisation and environment, so duplicate checks hold under concurrent submissions.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`allowlist:${orgId}:${env.id}`}))`;
    await assertEnoughPartnerOfficers(tx, { id: orgId }, env);
    let rows: { cidr: string; input: string; entryId: string | null; warnings: { code: string; message: string }[] }[];
    if (data.kind === "add") {
      const judged = await judgeForOrg(tx, env, orgId, data.entries);
      const error = entryErrors(judged);
      if (error) throw error;
      rows = judged.map((j) => ({
        cidr: j.cidr!,
        input: j.input,
        entryId: null,
        warnings: j.issues.filter((i) => i.severity === "warning").map(({ code, message }) => ({ code, message })),
      }));
    } else {
      const approved = await activeEntries(tx, env.id, orgId);
      const fields: Record<string, string> = {};
      rows = [];
      data.entries.forEach((raw, i) => {
        const p = parseCidr(raw.trim());
        const match = approved.find((e) => e.id === raw.trim() || (p.ok && e.cidr === p.value.cidr));
        if (!match) fields[`entries.${i}`] = `${raw} is not on your approved allowlist for ${env.code}.`;
        else if (rows.some((r) => r.entryId === match.id)) fields[`entries.${i}`] = `${raw} is listed twice.`;
        else rows.push({ cidr: match.cidr, input: raw, entryId: match.id, warnings: [] });
      });
      if (Object.keys(fields).length) {
        throw new AppError("validation_failed", Object.values(fields).join(" "), { ...fields, entries: Object.values(fields).join("\n") });
      }
      const pendingRemoval = await tx.allowlistRequestEntry.findFirst({ where: { entryId: { in: rows.map((r) => r.entryId!) }, request: { status: "pending" } } });
      if (pendingRemoval) throw new AppError("conflict", `${pendingRemoval.cidr} already has a removal request pending.`, { entries: `${pendingRemoval.cidr} already has a removal request pending.` });
    }
    const request = await tx.allowlistRequest.create({
      data: {
        orgId,
        envId: env.id,
        kind: data.kind,
        note: data.note,
        submittedById: actorUserId(actor),
        entries: { create: rows.map((r) => ({ cidr: r.cidr, input: r.input, entryId: r.entryId, warnings: r.warnings })) },
      },
      include,
    });
    await recordAudit(tx, actor, {
      action: `allowlist_request.submit`,
      orgId,
      targetType: "allowlist_request",
      targetId: request.id,
      details: { environment: env.code, kind: data.kind, entries: rows.map((r) => r.cidr), ...(data.note ? { note: data.note } : {}) },
    });
    await emitEvent(tx, "allowlist_request.submitted", { id: request.id });
    return allowlistRequestView(request);
  });
}

export const listAllowlistRequestsSchema = z.object({
  status: z.enum(["pending", "approved", "rejected"], { message: "status is pending, approved or rejected." }).optional(),
  environment: z.string().trim().max(32).optional(),
  organisation: z.string().trim().max(64).optional(),
  olderThanDays: z.coerce.number().int().min(0).max(3650).optional(),
  ...pageParams({ defaultLimit: 200, maxLimit: 500 }),
});

type RequestWhere = Prisma.AllowlistRequestWhereInput;
type RequestOrder = Prisma.AllowlistRequestOrderByWithRelationInput;
// Pending oldest first (the queue), decided newest first; served by allowlist_requests_(status_|org_id_)created_at_id_idx.
export const allowlistRequestsOldestFirst = defineKeyset<RequestWhere, RequestOrder>("allowlist-requests-oldest", [{ field: "createdAt", type: "date" }], "asc");
const requestsNewestFirst = defineKeyset<RequestWhere, RequestOrder>("allowlist-requests-newest", [{ field: "createdAt", type: "date" }], "desc");

/** One page of the allowlist requests the caller may see, with the next and previous pages' cursors. */
export async function listAllowlistRequestsPage(actor: Actor, filters: z.input<typeof listAllowlistRequestsSchema> = {}) {
  authorize(actor, "allowlist:read");
  const f = parseInput(listAllowlistRequestsSchema, filters);
  const env = f.environment ? await requireEnvironment(f.environment) : null;
  const base: RequestWhere = {
    ...orgWhere(actor),
    ...(f.status ? { status: f.status } : {}),
    ...(env ? { envId: env.id } : {}),
    ...(f.organisation ? { org: { code: f.organisation } } : {}),
    ...(f.olderThanDays !== undefined ? { createdAt: { lte: new Date(Date.now() - f.olderThanDays * 86_400_000) } } : {}),
  };
  const keyset = f.status === "pending" ? allowlistRequestsOldestFirst : requestsNewestFirst;
  const page = await keyset.page(f, ({ where, orderBy, take }) => getDb().allowlistRequest.findMany({ where: { AND: [base, where] }, include, orderBy, take }));
  return { requests: page.rows.map((r) => forAudience(actor, allowlistRequestView(r))), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listAllowlistRequestsPage). */
export async function listAllowlistRequests(actor: Actor, filters: z.input<typeof listAllowlistRequestsSchema> = {}) {
  return (await listAllowlistRequestsPage(actor, filters)).requests;
}

export async function getAllowlistRequest(actor: Actor, id: string) {
  authorize(actor, "allowlist:read");
  const row = await getDb().allowlistRequest.findFirst({ where: { id: assertId(id, "allowlist request"), ...orgWhere(actor) }, include });
  if (!row) throw new AppError("not_found", `No allowlist request with id "${id}".`);
  return forAudience(actor, allowlistRequestView(row));
}

/** Overlaps of a pending request's entries with other organisations' approved entries (officers only). */
export async function crossOrgOverlaps(actor: Actor, id: string) {
  authorize(actor, "allowlist:decide");
  const db = getDb();
  const request = await db.allowlistRequest.findUnique({ where: { id: assertId(id, "allowlist request") }, include: { entries: true } });
  if (!request) throw new AppError("not_found", `No allowlist request with id "${id}".`);
  const others = (await activeEntries(db, request.envId)).filter((e) => e.orgId !== request.orgId);
  const out: { cidr: string; overlaps: string; organisation: string }[] = [];
  for (const entry of request.entries) {
    const a = parseCidr(entry.cidr);
    if (!a.ok) continue;
    for (const o of others) {
      const b = parseCidr(o.cidr);
      if (b.ok && overlaps(a.value, b.value)) out.push({ cidr: entry.cidr, overlaps: o.cidr, organisation: o.org.code });
    }
  }
  return out;
}

async function lockAllowlistRequest(tx: Tx, id: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM allowlist_requests WHERE id = ${id}::uuid FOR UPDATE`;
  if (!locked.length) throw new AppError("not_found", `No allowlist request with id "${id}".`);
  return tx.allowlistRequest.findUniqueOrThrow({ where: { id }, include: { env: true, entries: true } });
}

/** An officer approves; with the environment's required approvals the entries join (or leave) the allowlist. */
export async function approveAllowlistRequest(actor: Actor, id: string, input: z.input<typeof approveSchema> = {}) {
  authorize(actor, "allowlist:decide");
  const requestId = assertId(id, "allowlist request");
  const { comment } = parseInput(approveSchema, input ?? {});
  await getDb().$transaction(async (tx) => {
    const request = await lockAllowlistRequest(tx, requestId);
    if (request.status !== "pending") throw alreadyDecided("request", request.status);
    const approvals = await recordDecision(tx, actor, { kind: "allowlist", requestId }, request, { decision: "approve", comment });
    await recordAudit(tx, actor, {
      action: "allowlist_request.approve",
      orgId: request.orgId,
      targetType: "allowlist_request",
      targetId: requestId,
      details: { approvals, required: request.env.approvalsRequired, ...(comment ? { comment } : {}) },
    });
    if (approvals < request.env.approvalsRequired) return;
    if (request.kind === "add") {
      const active = await activeEntries(tx, request.envId, request.orgId);
      const fresh = request.entries.filter((e) => !active.some((a) => a.cidr === e.cidr));
      await tx.allowlistEntry.createMany({
        data: fresh.map((e) => ({ orgId: request.orgId, envId: request.envId, cidr: e.cidr, note: request.note, addedByRequestId: requestId })),
      });
    } else {
      await tx.allowlistEntry.updateMany({
        where: { id: { in: request.entries.map((e) => e.entryId!).filter(Boolean) }, removedAt: null },
        data: { removedAt: new Date(), removedByRequestId: requestId },
      });
    }
    await tx.allowlistRequest.update({ where: { id: requestId }, data: { status: "approved", decidedAt: new Date() } });
    await recordAudit(tx, actor, {
      action: request.kind === "add" ? "allowlist.add" : "allowlist.remove",
      orgId: request.orgId,
      targetType: "allowlist_request",
      targetId: requestId,
      details: { environment: request.env.code, entries: request.entries.map((e) => e.cidr) },
    });
    await emitEvent(tx, "allowlist_request.approved", { id: requestId });
  });
  return getAllowlistRequest(actor, requestId);
}

export async function rejectAllowlistRequest(actor: Actor, id: string, input: z.input<typeof rejectSchema>) {
  authorize(actor, "allowlist:decide");
  const requestId = assertId(id, "allowlist request");
  const { reason } = parseInput(rejectSchema, input ?? {});
  await getDb().$transaction(async (tx) => {
    const request = await lockAllowlistRequest(tx, requestId);
    if (request.status !== "pending") throw alreadyDecided("request", request.status);
    await recordDecision(tx, actor, { kind: "allowlist", requestId }, request, { decision: "reject", comment: reason });
    await tx.allowlistRequest.update({ where: { id: requestId }, data: { status: "rejected", rejectionReason: reason, decidedAt: new Date() } });
    await recordAudit(tx, actor, { action: "allowlist_request.reject", orgId: request.orgId, targetType: "allowlist_request", targetId: requestId, details: { reason } });
    await emitEvent(tx, "allowlist_request.rejected", { id: requestId, reason });
  });
  return getAllowlistRequest(actor, requestId);
}

/** Approved entries: a partner's own per environment; officers and gateways see every organisation's. */
// A partner's allowlist is short, so the default page holds all of it for the pages that show it whole.
export const listAllowlistEntriesSchema = z.object({ environment: z.string().trim().max(32).optional(), ...pageParams({ defaultLimit: 500, maxLimit: 1000 }) });

// Oldest approval first, then by CIDR (one approval adds several entries at once); served by
// allowlist_entries_(org_id_|env_id_)created_at_cidr_id_idx.
const entriesKeyset = defineKeyset<Prisma.AllowlistEntryWhereInput, Prisma.AllowlistEntryOrderByWithRelationInput>(
  "allowlist-entries",
  [
    { field: "createdAt", type: "date" },
    { field: "cidr", type: "string" },
  ],
  "asc",
);

/** One page of approved entries, with the next and previous pages' cursors. */
export async function listAllowlistEntriesPage(actor: Actor, filters: z.input<typeof listAllowlistEntriesSchema> = {}) {
  authorize(actor, "allowlist:read");
  const f = parseInput(listAllowlistEntriesSchema, filters);
  const env = f.environment ? await requireEnvironment(f.environment) : null;
  const base: Prisma.AllowlistEntryWhereInput = { ...orgWhere(actor), removedAt: null, ...(env ? { envId: env.id } : {}) };
  const page = await entriesKeyset.page(f, ({ where, orderBy, take }) =>
    getDb().allowlistEntry.findMany({
      where: { AND: [base, where] },
      select: { id: true, cidr: true, note: true, createdAt: true, org: { select: { code: true } }, env: { select: { code: true } } },
      orderBy,
      take,
    }),
  );
  return { entries: page.rows.map((e) => ({ id: e.id, cidr: e.cidr, note: e.note, environment: e.env.code, organisation: e.org.code, approvedAt: e.createdAt })), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listAllowlistEntriesPage). */
export async function listAllowlistEntries(actor: Actor, filters: z.input<typeof listAllowlistEntriesSchema> = {}) {
  return (await listAllowlistEntriesPage(actor, filters)).entries;
}

export const EXPORT_FORMATS = ["json", "txt", "nginx"] as const;

type ExportRow = { id: string; cidr: string; note: string; created_at: Date; org_code: string };

/**
 * The environment's approved entries for the export, EXPORT_BATCH_ROWS per query in keyset order:
 * oldest approval first, and the entries of one approval (one insert, one time) by address, IPv4
 * before IPv6 and numerically (PostgreSQL's inet order), not as text ("2001:db8::/48" < "203.0.…").
 * The order within an approval used to be the insert's, which no column records. The index
 * allowlist_entries_env_id_created_at_cidr_id_idx starts each batch at the last row's approval time
 * and gives the order by time; only the entries sharing one time are sorted (an incremental sort).
 */
async function* exportBatches(db: ReturnType<typeof getDb>, envId: string): AsyncGenerator<ExportRow[]> {
  let last: ExportRow | null = null;
  for (;;) {
    const after: Prisma.Sql = last
      ? Prisma.sql`AND e.created_at >= ${last.created_at}
            AND (e.created_at > ${last.created_at} OR (e.created_at = ${last.created_at} AND (e.cidr::inet, e.id) > (${last.cidr}::inet, ${last.id}::uuid)))`
      : Prisma.empty;
    const rows: ExportRow[] = await db.$queryRaw<ExportRow[]>`SELECT e.id, e.cidr, e.note, e.created_at, o.code AS org_code FROM allowlist_entries e JOIN organisations o ON o.id = e.org_id
          WHERE e.env_id = ${envId}::uuid AND e.removed_at IS NULL ${after}
          ORDER BY e.created_at, e.cidr::inet, e.id LIMIT ${EXPORT_BATCH_ROWS}`;
    if (rows.length) yield rows;
    if (rows.length < EXPORT_BATCH_ROWS) return;
    last = rows[rows.length - 1];
  }
}

/** The environment's allowlist for gateways: JSON, plain text (one CIDR per line) or nginx `allow …; deny all;`. */
export async function exportAllowlist(actor: Actor, envCode: string, format: string = "json") {
  authorize(actor, "allowlist:export");
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new AppError("bad_request", `Unknown format "${format.slice(0, 40)}"; use json, txt or nginx.`);
  const db = getDb();
  const env = await db.environment.findUnique({ where: { code: envCode.toUpperCase() } });
  if (!env) throw new AppError("not_found", `No environment with code "${envCode}".`);
  const entries: { cidr: string; organisation: string; note: string; approvedAt: string }[] = [];
  for await (const batch of exportBatches(db, env.id)) {
    for (const e of batch) entries.push({ cidr: e.cidr, organisation: e.org_code, note: e.note, approvedAt: e.created_at.toISOString() });
  }
  const generated = new Date().toISOString();
  await db.$transaction((tx) =>
    recordAudit(tx, actor, { action: "allowlist.export", targetType: "environment", targetId: env.id, details: { environment: env.code, format, entries: entries.length } }),
  );
  if (format === "json") {
    return { contentType: "application/json", body: JSON.stringify({ environment: env.code, generatedAt: generated, entries }, null, 2) + "\n", filename: `allowlist-${env.code}.json` };
  }
  if (format === "txt") {
    return { contentType: "text/plain; charset=utf-8", body: entries.map((e) => `${e.cidr}\n`).join(""), filename: `allowlist-${env.code}.txt` };
  }
  const safe = (s: string) => s.replace(/[\r\n]/g, " ");
  const lines = [`# Keyport source-IP allowlist for ${env.code}, generated ${generated}`, ...entries.map((e) => `allow ${e.cidr}; # ${safe(e.organisation)}`), "deny all;", ""];
  return { contentType: "text/plain; charset=utf-8", body: lines.join("\n"), filename: `allowlist-${env.code}.conf` };
}
