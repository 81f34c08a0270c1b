import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { findEnvironmentCas, latestCrl } from "@/lib/ca/authority";

/** An environment's CA certificates. CA chains and CRLs are public (RFC 5280 §4.2.2.1, §4.2.1.13). */
export async function getEnvironmentCaChain(envCode: string) {
  const db = getDb();
  const env = await db.environment.findUnique({ where: { code: envCode } });
  if (!env) throw new AppError("not_found", `No environment with code "${envCode}".`);
  const cas = await findEnvironmentCas(db, env.id);
  if (!cas) throw new AppError("not_found", `Environment ${env.code} has no CA yet.`);
  return { env, root: cas.root, issuing: cas.issuing };
}

export async function getEnvironmentCrl(envCode: string, which: "issuing" | "root") {
  const chain = await getEnvironmentCaChain(envCode);
  const crl = await latestCrl(getDb(), chain[which].id);
  if (!crl) throw new AppError("not_found", `No CRL has been published for the ${which} CA of ${envCode} yet.`);
  return crl;
}
