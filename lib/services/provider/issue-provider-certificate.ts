import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { emitEvent } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { signLeaf } from "@/lib/ca/authority";
import { readCsr } from "@/lib/pki/csr";
import { describeInput, parseInput } from "@/lib/validation";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { assertId } from "@/lib/services/scope";
import { issueWithGeneratedKey, takeProviderKeyOnce } from "@/lib/ca/provider-key";
import { assertPkcs12Password } from "@/lib/pki/pkcs12/password";
import { MEDIA_TYPES } from "@/lib/pki/cert/download-formats";

export const PROVIDER_CLIENT_PROFILE = "provider-client";
const VALIDITY_DAYS = 365;

const schema = z.object({
  environment: describeInput(z.string().trim().min(1, "Choose an environment.").max(32), { expects: "an environment code" }),
  csr: describeInput(z.union([z.string(), z.instanceof(Uint8Array)], { message: "Paste the CSR made on the provider's gateway." }), { expects: "a string (PEM CSR)", multiline: true }),
});

/**
 * Issue one of the provider's outbound client certificates under the environment's provider client
 * CA, from a CSR made on the provider's gateway (the key never comes to Keyport). clientAuth only;
 * RSA ≥ 2048 or ECDSA P-256/P-384; the CSR's signature must verify.
 */
export async function issueProviderCertificate(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "provider-certificate:issue");
  const data = parseInput(schema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  const read = await readCsr(data.csr);
  if (!read.ok) throw new AppError("validation_failed", read.finding.message, { csr: read.finding.message });
  const csr = read.csr;
  if (!csr.signatureValid) throw new AppError("validation_failed", "The CSR's signature does not verify: it was altered, or is not signed by its own key.", { csr: "Signature does not verify." });
  const strong = (csr.key.type === "rsa" && (csr.key.bits ?? 0) >= 2048) || (csr.key.type === "ec" && ["P-256", "P-384"].includes(csr.key.curve ?? ""));
  if (!strong) throw new AppError("validation_failed", `The CSR's key (${csr.key.label}) is not accepted: use RSA-2048 or larger, or ECDSA P-256/P-384.`, { csr: "Key not accepted." });
  if (!csr.subject.some((a) => a.oid === "2.5.4.3")) throw new AppError("validation_failed", "The CSR's subject needs a CN naming the provider's gateway.", { csr: "Subject without CN." });
  const subject = csr.certificateSubject;
  if (!subject.ok) throw new AppError("validation_failed", `The CSR's subject cannot be signed: ${subject.problems.map((p) => p.message).join(" ")}`, { csr: "Subject not accepted." });
  const db = getDb();
  const cert = await db.$transaction(
    async (tx) => {
      const c = await signLeaf(tx, {
        env,
        orgId: null,
        profileCode: PROVIDER_CLIENT_PROFILE,
        subjectDer: subject.der,
        subjectString: subject.string,
        spkiDer: csr.spkiDer,
        keyType: csr.key.type === "rsa" ? "rsa" : "ec",
        publicKeyFingerprint: csr.publicKeyFingerprint,
        validityDays: VALIDITY_DAYS,
        extendedKeyUsage: ["clientAuth"],
        sans: { dns: [], ip: [] },
        caKind: "provider_client",
      });
      await recordAudit(tx, actor, {
        action: "certificate.issue",
        targetType: "certificate",
        targetId: c.id,
        details: { purpose: "provider outbound client certificate", environment: env.code, serial: c.serialHex, subject: c.subject, notAfter: c.notAfter.toISOString() },
      });
      await emitEvent(tx, "provider_certificate.issued", { id: c.id });
      return c;
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
  return { id: cert.id, serial: cert.serialHex, subject: cert.subject, notAfter: cert.notAfter };
}

/** The provider's current client certificates of an environment (newest first). */
export async function listProviderCertificates(actor: Actor, envCode: string) {
  authorize(actor, "provider-certificate:issue");
  const env = await requireEnvironment(envCode.toUpperCase());
  const rows = await getDb().certificate.findMany({
    where: { envId: env.id, profileCode: PROVIDER_CLIENT_PROFILE, ca: { kind: "provider_client" } },
    orderBy: { createdAt: "desc" },
    take: 100,
    include: { ca: { select: { certDer: true } } },
  });
  return rows.map((r) => ({ id: r.id, serial: r.serialHex, subject: r.subject, notAfter: r.notAfter, revokedAt: r.revokedAt, der: new Uint8Array(r.der), caDer: new Uint8Array(r.ca.certDer) }));
}

const generatedSchema = z.object({
  environment: describeInput(z.string().trim().min(1, "Choose an environment.").max(32), { expects: "an environment code" }),
  commonName: describeInput(
    z.string({ message: "Name the gateway (CN)." }).trim().min(1, "Name the gateway (CN).").max(64, "At most 64 characters (RFC 5280 ub-common-name).").regex(/^[A-Za-z0-9 ._-]+$/, "Letters, digits, space, dot, underscore and hyphen only."),
    { expects: "a string (the certificate's CN)" },
  ),
});

/**
 * Issue a provider client certificate with a key Keyport generates and seals (lib/ca/provider-key.ts),
 * for gateways that cannot make their own CSR. An admin downloads the key once as PKCS#12.
 */
export async function issueProviderCertificateWithKey(actor: Actor, input: z.input<typeof generatedSchema>) {
  authorize(actor, "provider-certificate:issue");
  const data = parseInput(generatedSchema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  const cert = await getDb().$transaction(
    async (tx) => {
      const c = await issueWithGeneratedKey(tx, { env, commonName: data.commonName, profileCode: PROVIDER_CLIENT_PROFILE, validityDays: VALIDITY_DAYS });
      await recordAudit(tx, actor, {
        action: "certificate.issue",
        targetType: "certificate",
        targetId: c.id,
        details: { purpose: "provider outbound client certificate", keyGeneratedBy: "keyport", environment: env.code, serial: c.serialHex, subject: c.subject, notAfter: c.notAfter.toISOString() },
      });
      await emitEvent(tx, "provider_certificate.issued", { id: c.id });
      return c;
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
  return { id: cert.id, serial: cert.serialHex, subject: cert.subject, notAfter: cert.notAfter };
}

/** An admin's one download of a Keyport-generated key, as PKCS#12 under their password; afterwards Keyport holds no copy. */
export async function downloadProviderKeyOnce(actor: Actor, certificateId: string, input: { password?: unknown }) {
  authorize(actor, "provider-key:download");
  const id = assertId(certificateId, "certificate");
  const password = typeof input?.password === "string" ? input.password : "";
  if (password.length < 8 || password.length > 128) throw new AppError("validation_failed", "Give a PKCS#12 password of 8 to 128 printable ASCII characters.", { password: "8 to 128 printable ASCII characters." });
  try {
    assertPkcs12Password(password);
  } catch (e) {
    throw new AppError("validation_failed", e instanceof Error ? e.message : "Invalid password.", { password: "Printable ASCII only." });
  }
  const body = await getDb().$transaction(
    async (tx) => {
      const p12 = await takeProviderKeyOnce(tx, id, password, actor.type === "user" ? actor.userId : null);
      await recordAudit(tx, actor, { action: "provider_key.download", targetType: "certificate", targetId: id, details: { erased: true } });
      return p12;
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
  return { body, contentType: MEDIA_TYPES.pkcs12.contentType, filename: `provider-client-${id.slice(0, 8)}.p12` };
}
