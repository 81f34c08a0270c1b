import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { createOrganisation } from "@/lib/services/organisations/create-organisation";
import { createUser } from "@/lib/services/users/create-user";
import { initCa } from "@/lib/services/ca/init-ca";
import { loadMasterKeyForNewCa } from "@/lib/ca/authority";
import { sealTotpSecret } from "@/lib/ca/totp-vault";
import { mfaRequiredFor, newTotpSecret } from "@/lib/auth/mfa";
import { recordAudit } from "@/lib/audit/record-audit";

export const DEMO_USERS = [
  // The demo organisation's team: two partner security officers (PRD needs two, and a second one's
  // confirmation), its partner admin and a viewer.
  { email: "partner@acme.test", name: "Pat Partner", role: "partner", orgCode: "acme", partnerRole: "partner_security_officer" },
  { email: "security2@acme.test", name: "Sam Second", role: "partner", orgCode: "acme", partnerRole: "partner_security_officer" },
  { email: "partner-admin@acme.test", name: "Alex Admin", role: "partner", orgCode: "acme", partnerRole: "partner_admin" },
  { email: "viewer@acme.test", name: "Vic Viewer", role: "partner", orgCode: "acme", partnerRole: "viewer" },
  { email: "officer1@keyport.test", name: "Olga Officer", role: "officer" },
  { email: "officer2@keyport.test", name: "Otto Officer", role: "officer" },
  { email: "admin@keyport.test", name: "Ada Admin", role: "admin" },
  { email: "gateway@keyport.test", name: "Gate Keeper", role: "gateway" },
] as const;

export type DemoResult = {
  created: string[];
  /** totpSecret: the base32 TOTP secret of an officer or admin the demo enrolled (load it into an authenticator app). */
  passwords: { email: string; role: string; password: string; totpSecret?: string }[];
};

const DEMO_ENVIRONMENTS = [
  { code: "PPR", name: "Pre-production", approvalsRequired: 1, production: false },
  // Production as Mastercard runs it: two partner security officers, and a second one confirms each request.
  { code: "PRD", name: "Production", approvalsRequired: 2, production: true, minPartnerOfficers: 2, partnerConfirmation: true },
] as const;

/**
 * Seed the demo data through the same services as the web app. Idempotent and re-runnable:
 * what exists is left alone (passwords of existing users are not changed), what is missing is
 * created. Everything that can refuse is checked before the first write — the master key above
 * all, which a server database has no default for — so a refusal leaves nothing half-seeded.
 * `passwords` lets tests fix the demo passwords; otherwise they are generated.
 */
export async function seedDemo(actor: Actor, opts: { passwords?: Record<string, string>; totp?: boolean } = {}): Promise<DemoResult> {
  authorize(actor, "demo:seed");
  const db = getDb();
  const result: DemoResult = { created: [], passwords: [] };
  const envs = await db.environment.findMany({ where: { code: { in: DEMO_ENVIRONMENTS.map((e) => e.code) } }, select: { id: true } });
  const withCa = await db.certificateAuthority.count({ where: { envId: { in: envs.map((e) => e.id) }, active: true, kind: "issuing" } });
  if (withCa < DEMO_ENVIRONMENTS.length) await loadMasterKeyForNewCa(db);
  for (const env of DEMO_ENVIRONMENTS) {
    if (!(await db.environment.findUnique({ where: { code: env.code } }))) {
      await createEnvironment(actor, env);
      result.created.push(`environment ${env.code}`);
    }
  }
  for (const { code } of DEMO_ENVIRONMENTS) {
    const env = await db.environment.findUniqueOrThrow({ where: { code } });
    if (!(await db.certificateAuthority.findFirst({ where: { envId: env.id, active: true, kind: { in: ["root", "issuing"] } } }))) {
      await initCa(actor, { envCode: code, keyType: "ecdsa-p256" });
      result.created.push(`CAs for ${code}`);
    }
  }
  if (!(await db.organisation.findUnique({ where: { code: "acme" } }))) {
    await createOrganisation(actor, { code: "acme", legalName: "Acme Payments AS", groupEmail: "certs@acme.test" });
    result.created.push("organisation acme");
  }
  for (const u of DEMO_USERS) {
    if (await db.user.findUnique({ where: { email: u.email } })) continue;
    const { user, generatedPassword } = await createUser(actor, { ...u, password: opts.passwords?.[u.email] });
    result.created.push(`user ${u.email}`);
    // Officers and admins must sign in with a second factor (lib/auth/mfa.ts): the demo enrols theirs.
    const totpSecret = opts.totp !== false && mfaRequiredFor(u.role) ? await enrollDemoTotp(actor, user.id) : undefined;
    result.passwords.push({ email: u.email, role: "partnerRole" in u ? u.partnerRole : u.role, password: generatedPassword ?? opts.passwords?.[u.email] ?? "", ...(totpSecret ? { totpSecret } : {}) });
  }
  return result;
}

/** Enrol a fresh TOTP secret for a demo account (no recovery codes: an admin can reset it); returns it in base32. */
async function enrollDemoTotp(actor: Actor, userId: string): Promise<string> {
  const secret = newTotpSecret();
  const { sealed, keyId } = sealTotpSecret(secret.bytes, userId);
  await getDb().$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { totpSecret: sealed, totpKeyId: keyId, totpEnabledAt: new Date() } });
    await recordAudit(tx, actor, { action: "mfa.totp_enabled", orgId: user.orgId, targetType: "user", targetId: user.id, details: { by: "demo", recoveryCodes: 0 } });
  });
  return secret.base32;
}
