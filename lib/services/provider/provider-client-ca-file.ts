import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { findProviderClientCa } from "@/lib/ca/provider-client-ca";
import { latestCrl } from "@/lib/ca/authority";
import { MEDIA_TYPES, certificateToPem } from "@/lib/pki/cert/download-formats";
import { buildCertsOnlyPkcs7 } from "@/lib/pki/pkcs7/certs-only";

export const PROVIDER_CA_FORMATS = ["pem", "der", "p7b"] as const;

/** The provider client CA of an environment (public, like every CA certificate: RFC 5280 §4.2.2.1). */
export async function getProviderClientCa(envCode: string) {
  const db = getDb();
  const env = await db.environment.findUnique({ where: { code: envCode.toUpperCase() } });
  if (!env) throw new AppError("not_found", `No environment with code "${envCode.slice(0, 32)}".`);
  const ca = await findProviderClientCa(db, env.id);
  if (!ca) throw new AppError("not_found", `Environment ${env.code} has no provider client CA yet (npm run keyport -- ca init-provider-client --env ${env.code}).`);
  return { env, ca };
}

export async function providerClientCaFile(envCode: string, format: string) {
  if (!(PROVIDER_CA_FORMATS as readonly string[]).includes(format)) throw new AppError("bad_request", `Unknown format "${format.slice(0, 40)}"; use one of ${PROVIDER_CA_FORMATS.join(", ")}.`);
  const { env, ca } = await getProviderClientCa(envCode);
  const der = new Uint8Array(ca.certDer);
  const base = `${env.code}-provider-client-ca`;
  if (format === "der") return { body: der, contentType: MEDIA_TYPES.certificateDer.contentType, filename: `${env.code}-provider-client.cer` };
  if (format === "p7b") return { body: buildCertsOnlyPkcs7([der]), contentType: MEDIA_TYPES.pkcs7.contentType, filename: `${base}.p7b` };
  return { body: certificateToPem(der), contentType: MEDIA_TYPES.pem.contentType, filename: `${base}.pem` };
}

export async function providerClientCrl(envCode: string) {
  const { env, ca } = await getProviderClientCa(envCode);
  const crl = await latestCrl(getDb(), ca.id);
  if (!crl) throw new AppError("not_found", `No CRL has been published for the provider client CA of ${env.code} yet.`);
  return crl;
}
