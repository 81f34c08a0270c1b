// Reference data on the issuance path (issue 21): environments, profiles, organisations and the
// active CAs change a few times a year and are read by every submission and approval. Each process
// keeps a copy, valid for one value of `reference_version` — a row that statement-level triggers on
// those four tables bump inside the changing transaction (prisma/migrations/…_i21_reference_version),
// whoever makes the change (Keyport, the CLI, another instance, a database administrator).
//
// A caller reads the version inside its own transaction (usually in a statement it sends anyway:
// lockPublicKey, lockRequest) and asks for rows under that version; a version other than the copy's
// starts a new copy. Rows are loaded in the caller's transaction after it read the version, so the
// rows served for a version are never older than it: what reading the tables themselves at that
// statement would give under READ COMMITTED. The version starts at a random number, so a database
// recreated under the same URL does not meet the copy of its predecessor.
import type { Tx } from "@/lib/db/client";

type Version = bigint;
const MAX_ENTRIES = 5_000;

// One copy per process, for one database (a process that switches DATABASE_URL, as tests and the
// bench do, starts a new copy: two databases can share a version number).
let copy: { database: string; version: Version; rows: Map<string, unknown> } | null = null;

/** The reference data version as this transaction sees it (one statement; prefer a piggy-backed read). */
export async function readReferenceVersion(db: Pick<Tx, "$queryRaw">): Promise<Version> {
  const [row] = await db.$queryRaw<{ version: bigint }[]>`SELECT version FROM reference_version WHERE id = 1`;
  return versionOf(row?.version);
}

/** The version a statement read (its `(SELECT version FROM reference_version WHERE id = 1)`); none read (no row) is -1, which caches nothing. */
export function versionOf(value: bigint | number | string | null | undefined): Version {
  return value === null || value === undefined ? -1n : BigInt(value);
}

/**
 * The row under `key`, loaded by `load` unless this process holds it for `version`. `load` must read
 * the database inside the caller's transaction, after the version was read. A rejection is not kept.
 */
export async function referenceRow<T>(version: Version, key: string, load: () => Promise<T>): Promise<T> {
  if (version < 0n) return load();
  const database = process.env.DATABASE_URL ?? "";
  if (!copy || copy.database !== database || copy.version !== version) copy = { database, version, rows: new Map() };
  const rows = copy.rows;
  if (rows.has(key)) return rows.get(key) as T;
  const value = await load();
  if (copy?.rows === rows) {
    if (rows.size >= MAX_ENTRIES) rows.clear();
    rows.set(key, value);
  }
  return value;
}

/** Forget every copy (tests that change the tables below the triggers, e.g. by TRUNCATE in a fresh schema). */
export function forgetReferenceData(): void {
  copy = null;
}
