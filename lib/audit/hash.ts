import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

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

export function auditHash(row: AuditHashInput): string {
  // Only the chained fields: extra columns a caller passes (seq, hash) are not hashed.
  const { id, at, actorId, actorEmail, orgId, action, targetType, targetId, sourceIp, details, prevHash } = row;
  const fields = { id, actorId, actorEmail, orgId, action, targetType, targetId, sourceIp, details, prevHash };
  const body = canonicalJson({ ...fields, at: at.toISOString() });
  return createHash("sha256").update(body).digest("hex");
}
