import { z } from "zod";
import { getDb } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { type ChainReport, verifiedThrough, verifyAuditChain } from "@/lib/audit/verify-chain";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { decodeCursor, encodeCursor, pageParams } from "@/lib/db/keyset";

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
    ...pageParams({ defaultLimit: 200, maxLimit: 1000 }),
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

type Event = Prisma.AuditEventGetPayload<{ select: typeof eventSelect }>;

// What the trail shows and exports: not the pending MAC, version or request id.
const eventSelect = {
  seq: true,
  id: true,
  at: true,
  actorEmail: true,
  actorId: true,
  orgId: true,
  action: true,
  targetType: true,
  targetId: true,
  sourceIp: true,
  details: true,
  prevHash: true,
  hash: true,
} satisfies Prisma.AuditEventSelect;

async function toRows(rows: Event[]): Promise<AuditRow[]> {
  const orgIds = [...new Set(rows.map((r) => r.orgId).filter((x): x is string => !!x))];
  const orgs = orgIds.length ? await getDb().organisation.findMany({ where: { id: { in: orgIds } }, select: { id: true, code: true } }) : [];
  const codeOf = new Map(orgs.map((o) => [o.id, o.code]));
  return rows.map((r) => ({
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
  }));
}

// Keyset over the trail's order, newest first, in two parts split at the chain's head H as the
// first page saw it: the "recent" part is every event that was pending then (still pending, or
// sealed since, with seq > H), newest first by (at, id); the chained part is seq ≤ H, by seq
// descending (seq is unique, so it alone orders the chain). The sealer only ever gives seqs above
// the head, so an event the sealer chains between two pages stays in the part it was shown in:
// a walk meets each event once, whenever the sealer runs. A cursor names the last row shown and
// carries H: a recent row by (at, id), a chained one by seq.
const RECENT = "audit-events-recent";
const CHAINED = "audit-events-chained";

type AuditPosition = { recent: true; at: Date; id: string; head: bigint } | { recent: false; seq: bigint };

function auditPosition(cursor: string): AuditPosition {
  try {
    const p = decodeCursor(RECENT, ["date", "bigint"], cursor);
    return { recent: true, at: p.values[0] as Date, head: p.values[1] as bigint, id: p.id };
  } catch {
    return { recent: false, seq: decodeCursor(CHAINED, ["bigint"], cursor).values[0] as bigint };
  }
}

const newestFirst = (a: Event, b: Event) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

// Index-ordered reads rather than one ORDER BY over both parts (which the planner sorts in full
// below the cursor): the pending events by (at, id) descending (audit_events_pending_idx) and
// those sealed since H (by seq: few, merged in), then, when the page has room, the chain below H.
async function findEvents(f: z.infer<typeof auditFiltersSchema>): Promise<{ events: AuditRow[]; truncated: boolean; nextCursor: string | null }> {
  const where = await whereOf(f);
  if (!where) return { events: [], truncated: false, nextCursor: null };
  const db = getDb();
  const at = f.cursor ? auditPosition(f.cursor) : null;
  const take = f.limit + 1;
  const rows: Event[] = [];
  // The head splitting the parts (none is needed below a chained cursor). Read before the recent
  // part: an event sealed after this read has seq > head, so it is in the recent part.
  const head = at && !at.recent ? null : at?.recent ? at.head : ((await db.auditEvent.aggregate({ _max: { seq: true } }))._max.seq ?? 0n);
  if (head !== null) {
    const after: Prisma.AuditEventWhereInput = at?.recent ? { at: { lte: at.at }, OR: [{ at: { lt: at.at } }, { at: at.at, id: { lt: at.id } }] } : {};
    const [pending, sealedSince] = await Promise.all([
      db.auditEvent.findMany({ where: { AND: [where, { seq: null }, after] }, select: eventSelect, orderBy: [{ at: "desc" }, { id: "desc" }], take }),
      db.auditEvent.findMany({ where: { AND: [where, { seq: { gt: head } }, after] }, select: eventSelect, orderBy: [{ at: "desc" }, { id: "desc" }], take }),
    ]);
    // An event sealed between the two reads can be in both.
    const seen = new Set<string>();
    for (const e of [...pending, ...sealedSince].sort(newestFirst)) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      rows.push(e);
    }
    rows.splice(take);
  }
  const recent = rows.length;
  if (rows.length < take) {
    const below: Prisma.AuditEventWhereInput = at && !at.recent ? { seq: { lt: at.seq } } : { seq: { not: null, lte: head! } };
    rows.push(...(await db.auditEvent.findMany({ where: { AND: [where, below] }, select: eventSelect, orderBy: { seq: "desc" }, take: take - rows.length })));
  }
  const page = rows.slice(0, f.limit);
  const more = rows.length > f.limit;
  const last = page[page.length - 1];
  const nextCursor = !more ? null : page.length <= recent ? encodeCursor(RECENT, ["date", "bigint"], [last.at, head!], last.id) : encodeCursor(CHAINED, ["bigint"], [last.seq!], last.id);
  return { truncated: more, nextCursor, events: await toRows(page) };
}

/** The audit trail, newest first, filtered by action, organisation, actor and date range. */
export async function searchAuditEvents(actor: Actor, filters: AuditFilters = {}) {
  authorize(actor, "audit:read");
  const f = parseInput(auditFiltersSchema, filters);
  return { filters: f, ...(await findEvents(f)) };
}

/** The distinct actions recorded so far (for the filter's choices). */
export async function listAuditActions(actor: Actor): Promise<string[]> {
  authorize(actor, "audit:read");
  // A skip scan over the (action, at) index: one index probe per distinct action, however long
  // the trail (a GROUP BY reads every event).
  const rows = await getDb().$queryRaw<{ action: string }[]>`
    WITH RECURSIVE actions(action) AS (
      (SELECT action FROM audit_events ORDER BY action LIMIT 1)
      UNION ALL
      SELECT (SELECT e.action FROM audit_events e WHERE e.action > a.action ORDER BY e.action LIMIT 1) FROM actions a WHERE a.action IS NOT NULL
    )
    SELECT action FROM actions WHERE action IS NOT NULL`;
  return rows.map((r) => r.action);
}

/** How often the audit page's chain status walks the whole trail again (in the background). */
export const FULL_WALK_EVERY_MS = 5 * 60_000;

// The last full walk's result per database, extended by each page view with the events since.
type Verified = { database: string; report: ChainReport; fullAt: Date; walking: Promise<void> | null };
let verified: Verified | null = null;

async function walkInFull(database: string): Promise<Verified> {
  const fullAt = new Date();
  const report = await verifyAuditChain();
  return { database, report, fullAt, walking: null };
}

/**
 * Whether the hash chain holds, or the first broken link, for the audit page: without walking a
 * long trail on every view. The first view walks it in full; later views check the events chained
 * since (resuming after the verified prefix, whose last event must be unchanged), and a view more
 * than FULL_WALK_EVERY_MS after the last full walk starts another in the background, whose result
 * the next view shows. `fullAt` says when the whole trail was last walked: a rewrite of an older
 * event shows from the next full walk (`keyport audit verify` walks in full every time).
 */
export async function auditChainStatus(actor: Actor): Promise<ChainReport & { fullAt: Date }> {
  authorize(actor, "audit:read");
  const database = process.env.DATABASE_URL ?? "";
  let v = verified?.database === database ? verified : null;
  const after = v ? verifiedThrough(v.report) : null;
  if (!v || !after) {
    v = verified = await walkInFull(database);
  } else {
    const report = await verifyAuditChain(undefined, { after });
    v.report = report;
  }
  const current = v;
  if (!current.walking && Date.now() - current.fullAt.getTime() > FULL_WALK_EVERY_MS) {
    current.walking = walkInFull(database)
      .then((next) => {
        if (verified === current) verified = next;
      })
      .catch(() => {
        current.walking = null; // tried again on the next view
      });
  }
  return { ...current.report, fullAt: current.fullAt };
}

export const AUDIT_EXPORT_FORMATS = ["csv", "json"] as const;
/** Rows per query while an export streams: memory holds one batch, however long the trail. */
export const EXPORT_BATCH = 1000;
/** Pending (not yet sealed) events are read before the stream starts; the sealer keeps them few. */
export const MAX_PENDING_EXPORT_ROWS = 50_000;

// RFC 4180 field; a leading = + - @ (or tab/CR) is prefixed with ' so a spreadsheet
// does not run it as a formula (OWASP "CSV injection"). The JSON export keeps values exact.
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_HEAD = ["seq", "time_utc", "actor", "organisation", "action", "target_type", "target_id", "source_ip", "details", "prev_hash", "hash"].join(",") + "\r\n";

function csvLine(e: AuditRow): string {
  return (
    [e.seq ?? "", e.at.toISOString(), e.actorEmail ?? "", e.organisation ?? "", e.action, e.targetType ?? "", e.targetId ?? "", e.sourceIp ?? "", JSON.stringify(e.details ?? {}), e.prevHash ?? "", e.hash ?? ""]
      .map((v) => csvField(String(v)))
      .join(",") + "\r\n"
  );
}

export function auditEventsToCsv(events: AuditRow[]): string {
  return CSV_HEAD + events.map(csvLine).join("");
}

/**
 * The filtered audit trail as a file (CSV or JSON, oldest first), streamed: the chain is read
 * EXPORT_BATCH events at a time in seq order (keyset, no OFFSET), so memory does not grow with the
 * trail. What it holds is fixed when the export starts: chained events up to the head's seq then,
 * and the events pending then (read first, so one sealed meanwhile is still exported once). The
 * export is itself recorded in the trail, after the rows it contains.
 */
export async function exportAuditEvents(actor: Actor, filters: AuditFilters, format: string) {
  authorize(actor, "audit:export");
  if (!(AUDIT_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new AppError("bad_request", `Unknown format "${format.slice(0, 40)}"; use csv or json.`);
  }
  const f = parseInput(auditFiltersSchema, filters ?? {});
  const db = getDb();
  const where = (await whereOf(f)) ?? { id: { in: [] } };
  const head = await db.auditEvent.aggregate({ _max: { seq: true } });
  const maxSeq = head._max.seq ?? BigInt(0);
  const pending = await db.auditEvent.findMany({ where: { AND: [where, { seq: null }] }, select: eventSelect, orderBy: [{ at: "asc" }, { id: "asc" }], take: MAX_PENDING_EXPORT_ROWS + 1 });
  if (pending.length > MAX_PENDING_EXPORT_ROWS) throw new AppError("too_large", `More than ${MAX_PENDING_EXPORT_ROWS} events are not sealed yet; export again once the sealer has run.`);
  const chainedWhere: Prisma.AuditEventWhereInput = { AND: [where, { seq: { not: null, lte: maxSeq } }] };
  const count = pending.length + (await db.auditEvent.count({ where: chainedWhere }));
  const applied = Object.fromEntries(Object.entries({ action: f.action, organisation: f.organisation, actor: f.actor, from: f.from, to: f.to }).filter(([, v]) => v !== undefined));
  await db.$transaction((tx) => recordAudit(tx, actor, { action: "audit.export", targetType: "audit_trail", details: { format, filters: applied, events: count } }));

  async function* batches(): AsyncGenerator<AuditRow[]> {
    let after: bigint | null = null;
    for (;;) {
      const rows: Event[] = await db.auditEvent.findMany({ where: { AND: [chainedWhere, after === null ? {} : { seq: { gt: after } }] }, select: eventSelect, orderBy: { seq: "asc" }, take: EXPORT_BATCH });
      if (rows.length) yield toRows(rows);
      if (rows.length < EXPORT_BATCH) break;
      after = rows[rows.length - 1].seq;
    }
    for (let i = 0; i < pending.length; i += EXPORT_BATCH) yield toRows(pending.slice(i, i + EXPORT_BATCH));
  }

  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  if (format === "csv") {
    return { body: textStream(CSV_HEAD, batches(), (rows) => rows.map(csvLine).join(""), ""), contentType: "text/csv; charset=utf-8", filename: `keyport-audit-${stamp}.csv` };
  }
  // The same JSON document as before ({ generatedAt, filters, events: [...] }), written a batch at a time.
  let first = true;
  const open = `{\n  "generatedAt": ${JSON.stringify(new Date().toISOString())},\n  "filters": ${JSON.stringify(applied)},\n  "events": [`;
  const body = textStream(
    open,
    batches(),
    (rows) =>
      rows
        .map((e) => {
          const item = `${first ? "" : ","}\n    ${JSON.stringify({ ...e, at: e.at.toISOString() })}`;
          first = false;
          return item;
        })
        .join(""),
    () => (first ? "]\n}\n" : "\n  ]\n}\n"),
  );
  return { body, contentType: "application/json", filename: `keyport-audit-${stamp}.json` };
}

/** A UTF-8 stream of head, each batch's text, then tail; pulled by the reader (no more than one batch ahead). */
function textStream<T>(head: string, source: AsyncGenerator<T>, text: (batch: T) => string, tail: string | (() => string)): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(enc.encode(head));
        return;
      }
      const next = await source.next();
      if (next.done) {
        controller.enqueue(enc.encode(typeof tail === "string" ? tail : tail()));
        controller.close();
      } else {
        controller.enqueue(enc.encode(text(next.value)));
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}
