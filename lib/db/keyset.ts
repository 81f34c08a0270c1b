// Keyset pagination (issue 21, part 3 "reads that stay flat"): every list is ordered by one or
// more columns with the row id as the last tie-breaker, and a page starts after (or ends before)
// the row a cursor names, so page n costs what page 1 does (no OFFSET) and rows written between
// two requests neither repeat nor vanish from the pages already read.
//
// A cursor is opaque to callers: base64url of JSON [list, version, key values…, id, check]. The
// check (a short SHA-256 over the rest) makes a cut or edited cursor a clear 422 instead of a
// silently different page; it is not a secret: a cursor only says where a page starts, and every
// query is still scoped to the caller. A cursor from another list (or one with another filter
// order) is refused too.
import { createHash } from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/errors";

export type KeyType = "date" | "string" | "bigint" | "int" | "boolean";
type KeyValue = Date | string | bigint | number | boolean;
type Direction = "asc" | "desc";

const VERSION = 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_CURSOR = 600;

/** `limit`, `cursor` (start after) and `before` (end before) for a list's zod schema. */
export function pageParams(opts: { defaultLimit?: number; maxLimit?: number } = {}) {
  const max = opts.maxLimit ?? 200;
  const def = opts.defaultLimit ?? 50;
  const blank = (v: unknown) => (v === "" || v === null ? undefined : v);
  return {
    limit: z.preprocess(blank, z.coerce.number({ message: "limit is a whole number." }).int("limit is a whole number.").min(1, "limit is at least 1.").max(max, `limit is at most ${max}.`).default(def)),
    /** Where the previous page ended (its nextCursor): opaque. */
    cursor: z.preprocess(blank, z.string().trim().max(MAX_CURSOR, "cursor is not one this list returned (pass nextCursor as given).").optional()),
    /** Where the next page began (its prevCursor): the page before it. Opaque. */
    before: z.preprocess(blank, z.string().trim().max(MAX_CURSOR, "before is not one this list returned (pass prevCursor as given).").optional()),
  };
}

export type PageInput = { limit: number; cursor?: string; before?: string };
export type Page<T> = { rows: T[]; nextCursor: string | null; prevCursor: string | null };

function check(body: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(body)).digest("base64url").slice(0, 10);
}

/** The 422 for a cursor that is not one the list returned (also for a list that checks more of a cursor itself). */
export function refused(param: "cursor" | "before"): AppError {
  const given = param === "cursor" ? "nextCursor" : "prevCursor";
  return new AppError("validation_failed", `${param} is not one this list returned (pass ${given} as given).`, { [param]: "Unknown cursor." });
}

function encodeValue(type: KeyType, v: KeyValue): string | number | boolean {
  switch (type) {
    case "date":
      return (v as Date).getTime();
    case "bigint":
      return (v as bigint).toString();
    default:
      return v as string | number | boolean;
  }
}

function decodeValue(type: KeyType, v: unknown): KeyValue | undefined {
  switch (type) {
    case "date":
      return typeof v === "number" && Number.isSafeInteger(v) && Math.abs(v) <= 8.64e15 ? new Date(v) : undefined;
    case "bigint":
      return typeof v === "string" && /^-?\d{1,20}$/.test(v) ? BigInt(v) : undefined;
    case "int":
      return typeof v === "number" && Number.isSafeInteger(v) ? v : undefined;
    case "string":
      return typeof v === "string" && v.length <= 400 ? v : undefined;
    case "boolean":
      return typeof v === "boolean" ? v : undefined;
  }
}

/** Encode the cursor naming a row of a list: the list's name, the row's key values and id. */
export function encodeCursor(list: string, types: readonly KeyType[], values: readonly KeyValue[], id: string): string {
  const body = [list, VERSION, ...values.map((v, i) => encodeValue(types[i], v)), id];
  return Buffer.from(JSON.stringify([...body, check(body)]), "utf8").toString("base64url");
}

/** The key values and id a cursor of this list names; anything else is a 422 naming the parameter. */
export function decodeCursor(list: string, types: readonly KeyType[], cursor: string, param: "cursor" | "before" = "cursor"): { values: KeyValue[]; id: string } {
  if (cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refused(param);
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refused(param);
  }
  if (!Array.isArray(parts) || parts.length !== types.length + 4) throw refused(param);
  const body = parts.slice(0, -1);
  if (parts[parts.length - 1] !== check(body) || body[0] !== list || body[1] !== VERSION) throw refused(param);
  const id = body[body.length - 1];
  if (typeof id !== "string" || !UUID.test(id)) throw refused(param);
  const values = types.map((t, i) => decodeValue(t, body[i + 2]));
  if (values.some((v) => v === undefined)) throw refused(param);
  return { values: values as KeyValue[], id };
}

type Where = Record<string, unknown>;

/**
 * One list's keyset: its name (cursors of one list are refused by another), its sort columns
 * (non-null, top-level fields of the model) and the direction. `id` is always the last column.
 */
export function defineKeyset<W extends object = Where, O extends object = Where>(name: string, keys: readonly { field: string; type: KeyType }[], direction: Direction) {
  const types = keys.map((k) => k.type);
  const flip = (d: Direction): Direction => (d === "asc" ? "desc" : "asc");
  const cmp = (d: Direction) => (d === "asc" ? "gt" : "lt");

  const NOTHING: Where = { id: { in: [] } };
  // col op v as a Prisma condition. Prisma's boolean filter has no gt/lt: false < true, so
  // "> false" is "= true", "> true" matches nothing, ">= false" everything, and so on.
  function bound(col: string, type: KeyType | "id", op: "gt" | "lt" | "gte" | "lte", v: KeyValue): Where {
    if (type !== "boolean") return { [col]: { [op]: v } };
    const toward = op.startsWith("gt"); // the end of false < true the comparison looks towards
    const inclusive = op.endsWith("e");
    if (v === toward) return inclusive ? { [col]: v } : NOTHING;
    return inclusive ? {} : { [col]: toward };
  }

  // (k1, k2, …, id) strictly after the cursor in direction d: k1 > v1 OR (k1 = v1 AND k2 > v2) OR …
  function after(values: KeyValue[], id: string, d: Direction): W {
    const cols = [...keys.map((k) => k.field), "id"];
    const colTypes: (KeyType | "id")[] = [...types, "id"];
    const vals = [...values, id];
    const or: Where[] = cols.flatMap((col, i) => {
      const b = bound(col, colTypes[i], cmp(d), vals[i]);
      if (b === NOTHING) return [];
      const w: Where = {};
      for (let j = 0; j < i; j++) w[cols[j]] = vals[j];
      return [{ ...w, ...b }];
    });
    // The first column's bound repeats what the OR says so the index scan starts at the cursor
    // (an Index Cond), instead of reading from the list's start and filtering: page n costs page 1.
    return { AND: [bound(cols[0], colTypes[0], cmp(d) === "gt" ? "gte" : "lte", vals[0]), { OR: or }] } as W;
  }

  function orderBy(d: Direction): O[] {
    return [...keys.map((k) => ({ [k.field]: d })), { id: d }] as O[];
  }

  function encode(row: Record<string, unknown> & { id: string }): string {
    return encodeCursor(
      name,
      types,
      keys.map((k) => row[k.field] as KeyValue),
      row.id,
    );
  }

  return {
    name,
    /** The ORDER BY of a forward page (for a query that reads the whole list in this order, e.g. an export). */
    orderBy: orderBy(direction),
    encode,
    /** Throws the 422 for a cursor that is not one of this list's. */
    decode: (cursor: string, param: "cursor" | "before" = "cursor") => decodeCursor(name, types, cursor, param),
    /** The condition for rows after a cursor (an export paging through the whole list). */
    after: (cursor: string): W => {
      const c = decodeCursor(name, types, cursor);
      return after(c.values, c.id, direction);
    },
    /**
     * One page: `fetch` runs the list's query with the extra where, order and take given here.
     * A page reached with `before` is read backwards and turned round. prevCursor is null on the
     * first page, nextCursor null on the last.
     */
    async page<T extends { id: string }>(input: PageInput, fetch: (q: { where: W; orderBy: O[]; take: number }) => Promise<T[]>): Promise<Page<T>> {
      const back = !input.cursor && !!input.before;
      const at = input.cursor ? decodeCursor(name, types, input.cursor, "cursor") : input.before ? decodeCursor(name, types, input.before, "before") : null;
      const d = back ? flip(direction) : direction;
      const rows = await fetch({ where: at ? after(at.values, at.id, d) : ({} as W), orderBy: orderBy(d), take: input.limit + 1 });
      const more = rows.length > input.limit;
      const page = rows.slice(0, input.limit);
      if (back) page.reverse();
      const first = page[0];
      const last = page[page.length - 1];
      return {
        rows: page,
        nextCursor: last && (back || more) ? encode(last as unknown as Record<string, unknown> & { id: string }) : null,
        prevCursor: first && (back ? more : !!input.cursor) ? encode(first as unknown as Record<string, unknown> & { id: string }) : null,
      };
    },
  };
}

export type Keyset<W extends object = Where, O extends object = Where> = ReturnType<typeof defineKeyset<W, O>>;

/** Rows per query of an export read with eachPage (the audit export streams in batches of the same size). */
export const EXPORT_BATCH_ROWS = 1000;

/**
 * Every row of a list in keyset order, `batch` rows per query: for exports that must not hold
 * the whole table in memory at once (each batch is yielded, then dropped).
 */
export async function* eachPage<T extends { id: string }, W extends object, O extends object>(
  keyset: Keyset<W, O>,
  batch: number,
  fetch: (q: { where: W; orderBy: O[]; take: number }) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let cursor: string | null = null;
  for (;;) {
    const rows: T[] = await fetch({ where: cursor ? keyset.after(cursor) : ({} as W), orderBy: keyset.orderBy, take: batch });
    if (rows.length) yield rows;
    if (rows.length < batch) return;
    cursor = keyset.encode(rows[rows.length - 1] as unknown as Record<string, unknown> & { id: string });
  }
}

