import type { Prisma } from "@/lib/generated/prisma/client";
import { CONNECTIVITY_SERVER_PROFILE } from "@/lib/ca/listener-credential";

/**
 * Certificates Keyport issues to itself rather than to a partner: no organisation, a service
 * profile. They are signed by the environment's issuing CA like any other certificate, so they stay
 * in the inventory and the audit trail and can be revoked; but they are renewed by Keyport, so
 * "expiring" (a call to act) never applies to them.
 */
export { CONNECTIVITY_SERVER_PROFILE };

const PURPOSES: Record<string, string> = {
  [CONNECTIVITY_SERVER_PROFILE]: "Keyport connectivity listener",
};

/** What a service certificate is for ("Keyport connectivity listener"), or null for a partner's certificate. */
export function servicePurpose(c: { orgId: string | null; profileCode: string }): string | null {
  return c.orgId === null ? (PURPOSES[c.profileCode] ?? null) : null;
}

export const serviceCertificateWhere = { orgId: null, profileCode: { in: Object.keys(PURPOSES) } } satisfies Prisma.CertificateWhereInput;
