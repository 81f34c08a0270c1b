import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";

export async function listAuditEvents(actor: Actor, opts: { take?: number } = {}) {
  authorize(actor, "audit:read");
  const rows = await getDb().auditEvent.findMany({ orderBy: [{ seq: { sort: "desc", nulls: "first" } }, { at: "desc" }, { id: "desc" }], take: Math.min(opts.take ?? 50, 500) });
  return rows.map((r) => ({ ...r, seq: r.seq?.toString() ?? null }));
}
