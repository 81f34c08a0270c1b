import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";

/**
 * The organisation a caller is confined to: a partner sees only its own
 * organisation; officers, admins and the CLI see all (null).
 */
export function orgScope(actor: Actor): string | null {
  if (actor.type === "system" || actor.role !== "partner") return null;
  if (!actor.orgId) throw new AppError("forbidden", "Your account is not attached to an organisation.");
  return actor.orgId;
}

/** A Prisma `where` fragment limiting rows to the caller's organisation. */
export function orgWhere(actor: Actor): { orgId?: string } {
  const orgId = orgScope(actor);
  return orgId ? { orgId } : {};
}

export function actorUserId(actor: Actor): string | null {
  return actor.type === "user" ? actor.userId : null;
}

/** Ids are UUIDs; anything else is simply "not found" (never a database error). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function assertId(id: string, what: string): string {
  if (!UUID.test(id)) throw new AppError("not_found", `No ${what} with id "${id.slice(0, 64)}".`);
  return id.toLowerCase();
}
