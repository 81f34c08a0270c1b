import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { takeProviderCsrKeyOnce } from "@/lib/ca/provider-csr-key";
import { MEDIA_TYPES } from "@/lib/pki/cert/download-formats";
import { readPkcs12Password } from "@/lib/services/provider/pkcs12-password";
import { assertId } from "@/lib/services/scope";

/**
 * An admin's one download of the key Keyport generated for a provider CSR, with the partner-signed
 * certificate and the partner's chain, as PKCS#12 under their password; afterwards Keyport holds no copy.
 */
export async function downloadProviderCsrKeyOnce(actor: Actor, id: string, input: { password?: unknown }) {
  authorize(actor, "provider-key:download");
  const csrId = assertId(id, "provider CSR");
  const password = readPkcs12Password(input?.password);
  const body = await getDb().$transaction(
    async (tx) => {
      const p12 = await takeProviderCsrKeyOnce(tx, csrId, password);
      const row = await tx.providerCsr.findUniqueOrThrow({ where: { id: csrId }, select: { orgId: true } });
      await recordAudit(tx, actor, { action: "provider_key.download", orgId: row.orgId, targetType: "provider_csr", targetId: csrId, details: { erased: true } });
      return p12;
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
  return { body, contentType: MEDIA_TYPES.pkcs12.contentType, filename: `provider-client-${csrId.slice(0, 8)}.p12` };
}
