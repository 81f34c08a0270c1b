import { getDb } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { findEnvironmentCas, latestCrl } from "@/lib/ca/authority";
import { MEDIA_TYPES, chainToPem } from "@/lib/pki/cert/download-formats";
import { buildCertsOnlyPkcs7 } from "@/lib/pki/pkcs7/certs-only";

/** An environment's CA certificates. CA chains and CRLs are public (RFC 5280 §4.2.2.1, §4.2.1.13). */
export async function getEnvironmentCaChain(envCode: string) {
  const db = getDb();
  const env = await db.environment.findUnique({ where: { code: envCode } });
  if (!env) throw new AppError("not_found", `No environment with code "${envCode}".`);
  const cas = await findEnvironmentCas(db, env.id);
  if (!cas) throw new AppError("not_found", `Environment ${env.code} has no CA yet (npm run keyport -- ca init --env ${env.code}).`);
  return { env, root: cas.root, issuing: cas.issuing };
}

export async function getEnvironmentCrl(envCode: string, which: "issuing" | "root") {
  const chain = await getEnvironmentCaChain(envCode);
  const crl = await latestCrlCached(chain[which].id);
  if (!crl) throw new AppError("not_found", `No CRL has been published for the ${which} CA of ${envCode} yet.`);
  return crl;
}

type CrlRow = NonNullable<Awaited<ReturnType<typeof latestCrl>>>;
// A CRL row never changes once written (a new CRL is a new row with the next number), so its
// DER, ~40 bytes per revoked certificate (≈400 KB at 10,000 revocations), is read from the
// database once per process; each fetch asks only which CRL is the latest.
const crlCache = new Map<string, CrlRow>();

async function latestCrlCached(caId: string): Promise<CrlRow | null> {
  const db = getDb();
  const head = await db.crl.findFirst({ where: { caId }, orderBy: { number: "desc" }, select: { id: true } });
  if (!head) return null;
  const cached = crlCache.get(caId);
  if (cached?.id === head.id) return cached;
  const row = await db.crl.findUnique({ where: { id: head.id } });
  if (row) crlCache.set(caId, row);
  return row;
}

export const CA_CHAIN_FORMATS = ["pem", "pem-root-first", "p7b", "der-root", "der-issuing"] as const;

/** The provider's CA chain of an environment as a file: PEM (issuing→root or root first), PKCS#7, or one CA in DER. */
export async function caChainFile(envCode: string, format: string) {
  if (!(CA_CHAIN_FORMATS as readonly string[]).includes(format)) {
    throw new AppError("bad_request", `Unknown format "${format.slice(0, 40)}"; use one of ${CA_CHAIN_FORMATS.join(", ")}.`);
  }
  const chain = await getEnvironmentCaChain(envCode.toUpperCase());
  const issuing = new Uint8Array(chain.issuing.certDer);
  const root = new Uint8Array(chain.root.certDer);
  const base = `${chain.env.code}-ca`;
  switch (format) {
    case "pem":
      return { body: chainToPem([issuing, root], "leaf-first"), contentType: MEDIA_TYPES.pem.contentType, filename: `${base}-chain.pem` };
    case "pem-root-first":
      return { body: chainToPem([issuing, root], "root-first"), contentType: MEDIA_TYPES.pem.contentType, filename: `${base}-chain-root-first.pem` };
    case "p7b":
      return { body: buildCertsOnlyPkcs7([issuing, root]), contentType: MEDIA_TYPES.pkcs7.contentType, filename: `${base}-chain.p7b` };
    case "der-root":
      return { body: root, contentType: MEDIA_TYPES.certificateDer.contentType, filename: `${chain.env.code}-root.cer` };
    default:
      return { body: issuing, contentType: MEDIA_TYPES.certificateDer.contentType, filename: `${chain.env.code}-issuing.cer` };
  }
}

/**
 * Record a download of public CA material (a CA certificate or chain, a CRL) by a signed-in
 * user or a token. Anonymous fetches by relying parties (TLS stacks, gateways polling the
 * CRL) are not recorded: they carry no identity and would flood the trail.
 */
export async function recordPublicDownload(
  actor: Actor | null,
  what: { action: "ca.download" | "crl.download"; envCode: string; file: string; format?: string },
): Promise<void> {
  if (!actor) return;
  const db = getDb();
  const env = await db.environment.findUnique({ where: { code: what.envCode.toUpperCase() }, select: { id: true, code: true } });
  if (!env) return;
  await db.$transaction((tx) =>
    recordAudit(tx, actor, {
      action: what.action,
      orgId: actor.type === "user" ? actor.orgId : null,
      targetType: "environment",
      targetId: env.id,
      details: { environment: env.code, file: what.file, ...(what.format ? { format: what.format } : {}) },
    }),
  );
}
