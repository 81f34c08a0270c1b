import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { MEDIA_TYPES, certificateToPem, chainToPem } from "@/lib/pki/cert/download-formats";
import { buildCertsOnlyPkcs7 } from "@/lib/pki/pkcs7/certs-only";
import { buildTruststorePkcs12 } from "@/lib/pki/pkcs12/build-pkcs12";
import { assertPkcs12Password } from "@/lib/pki/pkcs12/password";
import { buildCertificateBundle } from "@/lib/pki/bundle/zip-bundle";
import { connectivityServerIssuedByKeyport, connectivityUrl } from "@/lib/services/connectivity/urls";
import { caUrls, latestCrl } from "@/lib/ca/authority";
import { certificateStatus, findCertificateForActor } from "./read-certificates";

export const CERTIFICATE_FORMATS = ["pem", "chain", "chain-root-first", "der", "p7b", "zip"] as const;
export type CertificateFormat = (typeof CERTIFICATE_FORMATS)[number];

export type DownloadFile = { body: Uint8Array | string; contentType: string; filename: string; headers?: Record<string, string> };

/**
 * Every download says what the certificate is now: `Keyport-Certificate-Status: valid|expiring|expired|revoked`,
 * and for a revoked one `Keyport-Revocation: revoked-at=<ISO 8601>; reason=<RFC 5280 reason>`. A revoked
 * certificate stays downloadable (it is a record), but no client should mistake it for a usable one.
 */
function statusHeaders(c: Parameters<typeof certificateStatus>[0] & { revocationReason: string | null }): Record<string, string> {
  return {
    "keyport-certificate-status": certificateStatus(c),
    ...(c.revokedAt ? { "keyport-revocation": `revoked-at=${c.revokedAt.toISOString()}; reason=${c.revocationReason ?? "unspecified"}` } : {}),
  };
}

/** The issuing CA and root that signed a certificate, issuing first. */
async function caChainOf(caId: string): Promise<Uint8Array[]> {
  const db = getDb();
  const issuing = await db.certificateAuthority.findUniqueOrThrow({ where: { id: caId }, select: { certDer: true, parentId: true } });
  const root = issuing.parentId ? await db.certificateAuthority.findUnique({ where: { id: issuing.parentId }, select: { certDer: true } }) : null;
  return [new Uint8Array(issuing.certDer), ...(root ? [new Uint8Array(root.certDer)] : [])];
}

function baseName(c: { serialHex: string; org: { code: string } | null; env: { code: string } }): string {
  return `${c.org?.code ?? "provider"}-${c.env.code}-${c.serialHex.slice(0, 8)}`.toLowerCase().replace(/[^a-z0-9._-]/g, "-");
}

async function auditDownload(actor: Actor, c: { id: string; orgId: string | null; serialHex: string }, format: string) {
  await getDb().$transaction((tx) =>
    recordAudit(tx, actor, { action: "certificate.download", orgId: c.orgId, targetType: "certificate", targetId: c.id, details: { format, serial: c.serialHex } }),
  );
}

/** Every download format of an issued certificate; each download is recorded in the audit trail. */
export async function downloadCertificate(actor: Actor, id: string, format: string): Promise<DownloadFile> {
  authorize(actor, "certificate:download");
  if (!(CERTIFICATE_FORMATS as readonly string[]).includes(format)) {
    throw new AppError("bad_request", `Unknown format "${format.slice(0, 40)}"; use one of ${CERTIFICATE_FORMATS.join(", ")}.`);
  }
  const c = await findCertificateForActor(actor, id);
  const leaf = new Uint8Array(c.der);
  const chain = await caChainOf(c.caId);
  const base = baseName(c);
  let file: DownloadFile;
  switch (format as CertificateFormat) {
    case "pem":
      file = { body: certificateToPem(leaf), contentType: MEDIA_TYPES.pem.contentType, filename: `${base}.pem` };
      break;
    case "chain":
      file = { body: chainToPem([leaf, ...chain], "leaf-first"), contentType: MEDIA_TYPES.pem.contentType, filename: `${base}-chain.pem` };
      break;
    case "chain-root-first":
      file = { body: chainToPem([leaf, ...chain], "root-first"), contentType: MEDIA_TYPES.pem.contentType, filename: `${base}-chain-root-first.pem` };
      break;
    case "der":
      file = { body: leaf, contentType: MEDIA_TYPES.certificateDer.contentType, filename: `${base}.cer` };
      break;
    case "p7b":
      file = { body: buildCertsOnlyPkcs7([leaf, ...chain]), contentType: MEDIA_TYPES.pkcs7.contentType, filename: `${base}.p7b` };
      break;
    case "zip":
      file = {
        body: await buildCertificateBundle({
          leafDer: leaf,
          chainDers: chain,
          baseName: base,
          environment: c.env.code,
          organisation: c.org?.code ?? "provider",
          connectivityUrl: connectivityUrl(c.env.code) ?? undefined,
          connectivityServerFromCa: connectivityServerIssuedByKeyport(),
          crlUrl: caUrls(c.env.code).issuingCrl,
          revocation: c.revokedAt
            ? { revokedAt: c.revokedAt, reason: c.revocationReason ?? "unspecified", crlDer: await latestCrl(getDb(), c.caId).then((crl) => (crl ? new Uint8Array(crl.der) : undefined)) }
            : undefined,
        }),
        contentType: "application/zip",
        filename: `${base}.zip`,
      };
      break;
  }
  await auditDownload(actor, c, format);
  return { ...file, headers: statusHeaders(c) };
}

export const truststoreSchema = z.object({
  password: z.string({ message: "Choose a password for the PKCS#12 file." }).min(8, "Use at least 8 characters.").max(128, "At most 128 characters."),
});

/**
 * PKCS#12 truststore: the issuing CA and root that signed this certificate, as Java trusted entries,
 * protected by the caller's password. Not the leaf: a trust anchor is never revocation-checked, so a
 * truststore holding the leaf would keep trusting it after revocation.
 */
export async function downloadTruststore(actor: Actor, id: string, input: z.input<typeof truststoreSchema>): Promise<DownloadFile> {
  authorize(actor, "certificate:download");
  const { password } = parseInput(truststoreSchema, input ?? {});
  try {
    assertPkcs12Password(password);
  } catch (e) {
    throw new AppError("validation_failed", (e as Error).message, { password: "Use printable ASCII characters only (Java keytool refuses others)." });
  }
  const c = await findCertificateForActor(actor, id);
  const chain = await caChainOf(c.caId);
  const body = await buildTruststorePkcs12({ certificatesDer: chain, password });
  await auditDownload(actor, c, "pkcs12-truststore");
  return { body, contentType: MEDIA_TYPES.pkcs12.contentType, filename: `${baseName(c)}-truststore.p12` };
}

/** The public material the browser needs to assemble "PKCS#12 with my key" locally: leaf and chain, DER as base64. */
export async function certificateMaterial(actor: Actor, id: string) {
  authorize(actor, "certificate:download");
  const c = await findCertificateForActor(actor, id);
  const chain = await caChainOf(c.caId);
  return {
    baseName: baseName(c),
    leafDer: Buffer.from(c.der).toString("base64"),
    chainDer: chain.map((d) => Buffer.from(d).toString("base64")),
  };
}
