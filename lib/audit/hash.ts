import { createHash } from "node:crypto";
import type { AuditSeal } from "@/lib/ca/audit-seal";

export const GENESIS_HASH = "0".repeat(64);

/**
 * How an event's hash is made. 1: plain SHA-256 of its fields (events written before the keyed
 * chain; anyone can recompute it, so it proves nothing against whoever can write the database).
 * 2: HMAC-SHA-256 under a key derived from the master key (lib/ca/audit-seal.ts). New events are 2.
 */
export const LEGACY_CHAIN_VERSION = 1;
export const KEYED_CHAIN_VERSION = 2;

export type AuditHashInput = {
  id: string;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  orgId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  sourceIp: string | null;
  details: unknown;
  prevHash: string;
  /** X-Request-Id of the request that caused the event (keyed events only; absent when there was none). */
  requestId?: string | null;
};

/** JSON with sorted object keys, so a row hashes the same after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

function chainedFields(row: AuditHashInput) {
  // Only the chained fields: extra columns a caller passes (seq, hash) are not hashed.
  const { id, at, actorId, actorEmail, orgId, action, targetType, targetId, sourceIp, details, prevHash } = row;
  return { id, actorId, actorEmail, orgId, action, targetType, targetId, sourceIp, details, prevHash, at: at.toISOString() };
}

/** Version 1 (legacy): the unkeyed SHA-256 the chain used before it was keyed. Only verified, never written. */
export function legacyAuditHash(row: AuditHashInput): string {
  return createHash("sha256").update(canonicalJson(chainedFields(row))).digest("hex");
}

/** Version 2: the MAC of the same fields and the version itself (so a keyed hash never stands for another version). */
export function keyedAuditHash(row: AuditHashInput, seal: AuditSeal): string {
  return seal.mac(canonicalJson({ ...chainedFields(row), requestId: row.requestId ?? undefined, chainVersion: KEYED_CHAIN_VERSION }));
}

/** An event as recorded, before it is chained: its content without any link. */
export type PendingAuditInput = Omit<AuditHashInput, "prevHash">;

/**
 * The MAC a pending event is recorded with (audit chain key, its own label so it never stands
 * for a chained hash). The sealer chains only events whose MAC holds: a row inserted or altered
 * by whoever can write the database but not read the master key is never sealed.
 */
export function pendingAuditMac(row: PendingAuditInput, seal: AuditSeal): string {
  const { id, at, actorId, actorEmail, orgId, action, targetType, targetId, sourceIp, details, requestId } = row;
  return seal.mac(
    canonicalJson({ form: "pending", id, at: at.toISOString(), actorId, actorEmail, orgId, action, targetType, targetId, sourceIp, details, requestId: requestId ?? undefined, chainVersion: KEYED_CHAIN_VERSION }),
  );
}
