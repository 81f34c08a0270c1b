import type { Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

/**
 * The number of active partner security officers an organisation needs before it may submit in an
 * environment: the environment's minimum (Mastercard: 2), and at least 2 where a second officer
 * must confirm each request (otherwise nobody could).
 */
export function requiredPartnerOfficers(env: { minPartnerOfficers: number; partnerConfirmation: boolean }): number {
  return Math.max(env.minPartnerOfficers, env.partnerConfirmation ? 2 : 1);
}

/**
 * Refuse (409, saying what is missing) when the organisation has too few active partner security
 * officers: certificate requests, allowlist requests and server chain uploads alike ("before it may
 * request anything").
 */
export async function assertEnoughPartnerOfficers(
  tx: Pick<Tx, "user" | "organisation">,
  org: { id: string; code?: string },
  env: { code: string; minPartnerOfficers: number; partnerConfirmation: boolean },
): Promise<void> {
  const required = requiredPartnerOfficers(env);
  if (required <= 1) return;
  const active = await tx.user.count({ where: { orgId: org.id, role: "partner", partnerRole: "partner_security_officer", disabled: false } });
  if (active < required) {
    const code = org.code ?? (await tx.organisation.findUniqueOrThrow({ where: { id: org.id }, select: { code: true } })).code;
    throw new AppError(
      "conflict",
      `${env.code} requires at least ${required} active partner security officers in an organisation before it may submit; ${code} has ${active}. Your partner admin can invite one or appoint an existing user at Users.`,
    );
  }
}
