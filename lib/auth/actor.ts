import { AppError } from "@/lib/errors";
import { MFA_PENDING_PERMISSIONS, type PartnerRole, type Permission, type Role, granteeOf, roleHas } from "@/lib/auth/permissions";

/** Who is calling a service: a signed-in user (web or API token) or the admin CLI. */
export type Actor =
  | {
      type: "user";
      userId: string;
      email: string;
      name: string;
      role: Role;
      /** A partner user's role within its organisation (read from the user row on every request). */
      partnerRole?: PartnerRole | null;
      orgId: string | null;
      via: "web" | "api";
      ip: string | null;
      /** Web only: the session row, and whether it still owes a second factor its role requires (lib/auth/mfa.ts). */
      sessionId?: string;
      mfaPending?: boolean;
    }
  | { type: "system"; name: "cli" | "jobs"; ip: null };

export const CLI_ACTOR: Actor = { type: "system", name: "cli", ip: null };
/** Background jobs (lib/jobs): trusted like the CLI, named apart in the audit trail. */
export const JOBS_ACTOR: Actor = { type: "system", name: "jobs", ip: null };

/** Throws 403 unless the actor's role grants the permission. The CLI is trusted (it has the database). */
export function authorize(actor: Actor, permission: Permission): void {
  if (actor.type === "system") return;
  // A session that owes a second factor may only enrol one (the one place this is decided, like roles).
  if (actor.mfaPending && !MFA_PENDING_PERMISSIONS.includes(permission)) {
    throw new AppError("forbidden", "Set up a second factor first (Account → Two-factor sign-in).");
  }
  if (!roleHas(granteeOf(actor), permission)) {
    throw new AppError("forbidden", "You do not have permission to do that.");
  }
}

export function actorLabel(actor: Actor): { actorId: string | null; actorEmail: string } {
  return actor.type === "system" ? { actorId: null, actorEmail: actor.name } : { actorId: actor.userId, actorEmail: actor.email };
}
