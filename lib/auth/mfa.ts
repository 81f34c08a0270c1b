// Second factor policy and TOTP checks (RFC 6238 through otpauth: SHA-1, 6 digits, 30 s steps, the
// step before and after accepted for clock drift). A code is accepted once: the newest accepted step is
// stored and only a later one passes, written with a compare-and-set so two parallel sign-ins with the
// same code cannot both pass.
import { createHash, randomBytes } from "node:crypto";
import * as OTPAuth from "otpauth";
import type { Tx } from "@/lib/db/client";
import type { Role } from "@/lib/auth/permissions";
import { openTotpSecret } from "@/lib/ca/totp-vault";

const PERIOD = 30;
export const TOTP_ISSUER = "Keyport";

/** Roles that must sign in with a second factor (KEYPORT_MFA_REQUIRED_ROLES, default "officer,admin"; "none" for none). */
export function mfaRequiredFor(role: Role, env: Record<string, string | undefined> = process.env): boolean {
  const raw = env.KEYPORT_MFA_REQUIRED_ROLES?.trim();
  const roles = raw === undefined || raw === "" ? ["officer", "admin"] : raw === "none" ? [] : raw.split(",").map((r) => r.trim());
  return roles.includes(role);
}

export function totpFor(secret: Uint8Array, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: TOTP_ISSUER, label, algorithm: "SHA1", digits: 6, period: PERIOD, secret: new OTPAuth.Secret({ buffer: Uint8Array.from(secret).buffer }) });
}

export function newTotpSecret(): { bytes: Uint8Array; base32: string } {
  const s = new OTPAuth.Secret({ size: 20 });
  return { bytes: new Uint8Array(s.bytes), base32: s.base32 };
}

export const secretFromBase32 = (base32: string): Uint8Array => new Uint8Array(OTPAuth.Secret.fromBase32(base32).bytes);

/** The time step a 6-digit code matches (now ± 1 step), or null. */
export function matchingStep(secret: Uint8Array, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret, "x").validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
}

const RECOVERY_CODES = 10;
export const hashRecoveryCode = (code: string) => createHash("sha256").update(code.replace(/[\s-]/g, "").toLowerCase()).digest("hex");
/** Ten one-time codes of 128 bits each, as 8 groups of 4 hex digits. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => randomBytes(16).toString("hex").match(/.{4}/g)!.join("-"));
}

type MfaUser = { id: string; totpSecret: Uint8Array | null; totpKeyId: string | null; totpEnabledAt: Date | null };

/**
 * Check a second factor for an enrolled user and consume it: a TOTP code of a step newer than the last
 * accepted one, or an unused recovery code. Returns which kind passed, or null.
 */
export async function consumeSecondFactor(tx: Pick<Tx, "user" | "recoveryCode">, user: MfaUser, rawCode: unknown): Promise<"totp" | "recovery" | null> {
  if (!user.totpEnabledAt || !user.totpSecret || typeof rawCode !== "string") return null;
  const code = rawCode.trim();
  if (!code || code.length > 64) return null;
  if (/^\d{6}$/.test(code)) {
    const step = matchingStep(openTotpSecret(user.totpSecret, user.id, user.totpKeyId), code);
    if (step === null) return null;
    const { count } = await tx.user.updateMany({ where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } });
    return count === 1 ? "totp" : null;
  }
  const { count } = await tx.recoveryCode.updateMany({ where: { userId: user.id, codeHash: hashRecoveryCode(code), usedAt: null }, data: { usedAt: new Date() } });
  return count === 1 ? "recovery" : null;
}
