import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .optional()
    .transform((v) => v || undefined);
const optionalDay = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined)
  .refine((v) => v === undefined || (DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))), "Use a date as YYYY-MM-DD.");

export const auditFiltersSchema = z
  .object({
    /** An exact action ("certificate.revoke") or a family ending in "." ("certificate_request."). */
    action: optionalText(100),
    /** Organisation code. */
    organisation: optionalText(64),
    /** Part of the actor's email ("cli" for the admin CLI). */
    actor: optionalText(200),
    /** First and last day (UTC), both inclusive. */
    from: optionalDay,
    to: optionalDay,
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "The start date is after the end date.", path: ["to"] });

export type AuditFilters = z.input<typeof auditFiltersSchema>;

export type AuditRow = {
  /** Null while the event is pending (recorded, not sealed into the chain yet). */
  seq: string | null;
  id: string;
  at: Date;
  actorEmail: string | null;
  actorId: string | null;
  organisation: string | null;
  orgId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  sourceIp: string | null;
  details: unknown;
  prevHash: string | null;
  hash: string | null;
};

async function whereOf(f: z.infer<typeof auditFiltersSchema>): Promise<Prisma.AuditEventWhereInput | null> {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (f.action) and.push(f.action.endsWith(".") ? { action: { startsWith: f.action } } : { action: f.action });
  if (f.organisation) {
    const org = await getDb().organisation.findUnique({ where: { code: f.organisation }, select: { id: true } });
    if (!org) return null;
    and.push({ orgId: org.id });
  }
  if (f.actor) and.push({ actorEmail: { contains: f.actor.replace(/[\\%_]/g, (c) => `\\${c}`), mode: "insensitive" } });
  if (f.from) and.push({ at: { gte: new Date(`${f.from}T00:00:00.000Z`) } });
  if (f.to) and.push({ at: { lt: new Date(Date.parse(`${f.to}T00:00:00.000Z`) + 86_400_000) } });
  return { AND: and };
}

async function findEvents(f: z.infer<typeof auditFiltersSchema>, take: number): Promise<{ events: AuditRow[]; truncated: boolean }> {
  const where = await whereOf(f);
  if (!where) return { events: [], truncated: false };
  const db = getDb();
  // Newest first: pending events (not sealed yet, no seq) before the chain, newest chained first.
  const rows = await db.auditEvent.findMany({ where, orderBy: [{ seq: { sort: "desc", nulls: "first" } }, { at: "desc" }, { id: "desc" }], take: take + 1 });
  const orgIds = [...new Set(rows.map((r) => r.orgId).filter((x): x is string => !!x))];
  const orgs = orgIds.length ? await db.organisation.findMany({ where: { id: { in: orgIds } }, select: { id: true, code: true } }) : [];
  const codeOf = new Map(orgs.map((o) => [o.id, o.code]));
  return {
    truncated: rows.length > take,
    events: rows.slice(0, take).map((r) => ({
      seq: r.seq?.toString() ?? null,
      id: r.id,
      at: r.at,
      actorEmail: r.actorEmail,
      actorId: r.actorId,
      organisation: r.orgId ? (codeOf.get(r.orgId) ?? r.orgId) : null,
      orgId: r.orgId,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      sourceIp: r.sourceIp,
      details: r.details,
      prevHash: r.prevHash,
      hash: r.hash,
    })),
  };
}

/** The audit trail, newest first, filtered by action, organisation, actor and date range. */
export async function searchAuditEvents(actor: Actor, filters: AuditFilters = {}) {
  authorize(actor, "audit:read");
  const f = parseInput(auditFiltersSchema, filters);
  return { filters: f, ...(await findEvents(f, f.limit)) };
}

/** The distinct actions recorded so far (for the filter's choices). */
export async function listAuditActions(actor: Actor): Promise<string[]> {
  authorize(actor, "audit:read");
  const rows = await getDb().auditEvent.groupBy({ by: ["action"], orderBy: { action: "asc" } });
  return rows.map((r) => r.action);
}

/** Whether the hash chain holds, or the first broken link. */
export async function auditChainStatus(actor: Actor) {
  authorize(actor, "audit:read");
  return verifyAuditChain();
}

export const AUDIT_EXPORT_FORMATS = ["csv", "json"] as const;
export const MAX_EXPORT_ROWS = 50_000;

// RFC 4180 field; a leading = + - @ (or tab/CR) is prefixed with ' so a spreadsheet
// does not run it as a formula (OWASP "CSV injection"). The JSON export keeps values exact.
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditEventsToCsv(events: AuditRow[]): string {
  const head = ["seq", "time_utc", "actor", "organisation", "action", "target_type", "target_id", "source_ip", "details", "prev_hash", "hash"];
  const lines = events.map((e) =>
    [e.seq ?? "", e.at.toISOString(), e.actorEmail ?? "", e.organisation ?? "", e.action, e.targetType ?? "", e.targetId ?? "", e.sourceIp ?? "", JSON.stringify(e.details ?? {}), e.prevHash ?? "", e.hash ?? ""]
      .map((v) => csvField(String(v)))
      .join(","),
  );
  return [head.join(","), ...lines].join("\r\n") + "\r\n";
}

/**
 * The filtered audit trail as a file (CSV or JSON, oldest first). The export is
 * itself recorded in the trail, after the rows it contains.
 */
export async function exportAuditEvents(actor: Actor, filters: AuditFilters, format: string) {
  authorize(actor, "audit:export");
  if (!(AUDIT_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new AppError("bad_request", `Unknown format "${format.slice(0, 40)}"; use csv or json.`);
  }
  const f = parseInput(auditFiltersSchema, filters ?? {});
  const { events, truncated } = await findEvents(f, MAX_EXPORT_ROWS);
  if (truncated) throw new AppError("too_large", `More than ${MAX_EXPORT_ROWS} events match; narrow the date range.`);
  events.reverse();
  const applied = Object.fromEntries(Object.entries({ action: f.action, organisation: f.organisation, actor: f.actor, from: f.from, to: f.to }).filter(([, v]) => v !== undefined));
  await getDb().$transaction((tx) => recordAudit(tx, actor, { action: "audit.export", targetType: "audit_trail", details: { format, filters: applied, events: events.length } }));
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  if (format === "csv") return { body: auditEventsToCsv(events), contentType: "text/csv; charset=utf-8", filename: `keyport-audit-${stamp}.csv` };
  const body = JSON.stringify({ generatedAt: new Date().toISOString(), filters: applied, events: events.map((e) => ({ ...e, at: e.at.toISOString() })) }, null, 2) + "\n";
  return { body, contentType: "application/json", filename: `keyport-audit-${stamp}.json` };
}
