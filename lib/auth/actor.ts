import { AppError } from "@/lib/errors";
import { MFA_PENDING_PERMISSIONS, STEP_UP_PERMISSIONS, type PartnerRole, type Permission, type Role, granteeOf, roleHas } from "@/lib/auth/permissions";

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
      /** Web only: whether the user has a second factor (TOTP or a passkey), and when this session last verified one. */
      hasSecondFactor?: boolean;
      mfaAt?: Date | null;
    }
  | { type: "system"; name: "cli" | "jobs"; ip: null };

export const CLI_ACTOR: Actor = { type: "system", name: "cli", ip: null };
/** Background jobs (lib/jobs): trusted like the CLI, named apart in the audit trail. */
export const JOBS_ACTOR: Actor = { type: "system", name: "jobs", ip: null };

/** How recent a verification sensitive actions need (KEYPORT_MFA_STEP_UP_MINUTES, default 10). */
export function stepUpMinutes(env: Record<string, string | undefined> = process.env): number {
  const raw = env.KEYPORT_MFA_STEP_UP_MINUTES?.trim();
  const n = raw ? Number(raw) : 10;
  return Number.isInteger(n) && n >= 1 && n <= 24 * 60 ? n : 10;
}

/** A web session of a user with a second factor whose last verification is older than stepUpMinutes (or never). */
export function stepUpDue(actor: Actor, now = Date.now()): boolean {
  if (actor.type !== "user" || actor.via !== "web" || !actor.hasSecondFactor) return false;
  return !actor.mfaAt || now - actor.mfaAt.getTime() > stepUpMinutes() * 60_000;
}

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
  if (STEP_UP_PERMISSIONS.includes(permission) && stepUpDue(actor)) {
    throw new AppError("forbidden", `Confirm it is you: this needs a second-factor check within the last ${stepUpMinutes()} minutes (Account → Two-factor sign-in → Verify).`, undefined, { stepUp: true });
  }
}

export function actorLabel(actor: Actor): { actorId: string | null; actorEmail: string } {
  return actor.type === "system" ? { actorId: null, actorEmail: actor.name } : { actorId: actor.userId, actorEmail: actor.email };
}
