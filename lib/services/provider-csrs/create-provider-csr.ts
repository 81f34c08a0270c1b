import { getDb } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { ERASED_CSR_KEY, generateSealedCsr } from "@/lib/ca/provider-csr-key";
import { emitEvent } from "@/lib/notifications/emit-event";
import { parseInput } from "@/lib/validation";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { readGatewayCsr } from "@/lib/services/provider/check-gateway-csr";
import { actorUserId } from "@/lib/services/scope";
import { type CreateProviderCsrInput, PROVIDER_CSR_PROFILE, createProviderCsrSchema } from "./schemas";
import { getProviderCsr } from "./read-provider-csrs";

/**
 * An admin creates the provider's CSR for a partner to sign with its own CA (Mojaloop; Thales "if
 * required"), for one organisation × environment. The key is made on the gateway (a CSR is given) or
 * by Keyport (a CN is given; sealed in lib/ca). One CSR per organisation and environment waits for
 * the partner at a time; an earlier active certificate stays in use until the new one is accepted.
 */
export async function createProviderCsr(actor: Actor, input: CreateProviderCsrInput | Record<string, unknown>) {
  authorize(actor, "provider-csr:create");
  const data = parseInput(createProviderCsrSchema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  const db = getDb();
  const org = await db.organisation.findUnique({ where: { code: data.organisation } });
  if (!org) throw new AppError("validation_failed", `No organisation with code "${data.organisation.slice(0, 64)}".`, { organisation: "Unknown organisation." });
  let made: { id?: string; csrDer: Uint8Array; sealed?: Awaited<ReturnType<typeof generateSealedCsr>>["sealed"]; keySource: "gateway" | "keyport" };
  if (data.csr) {
    made = { csrDer: (await readGatewayCsr(data.csr)).csr.der, keySource: "gateway" };
  } else {
    const provider = process.env.KEYPORT_PROVIDER_NAME?.trim() || "Keyport";
    made = { ...(await generateSealedCsr([{ type: "O", value: provider }, { type: "CN", value: data.commonName! }])), keySource: "keyport" };
  }
  // Read back what was made (or given) once: subject, key and fingerprint as stored.
  const { csr } = await readGatewayCsr(made.csrDer);
  const id = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`keyport:provider-csr:${org.id}:${env.id}`}))`;
    const waiting = await tx.providerCsr.findFirst({ where: { orgId: org.id, envId: env.id, status: "awaiting_certificate" }, select: { id: true } });
    if (waiting) throw new AppError("conflict", `A provider CSR for ${org.code} in ${env.code} (${waiting.id}) already waits for the partner's certificate; cancel it or wait.`);
    const row = await tx.providerCsr.create({
      data: {
        ...(made.id ? { id: made.id } : {}),
        orgId: org.id,
        envId: env.id,
        profileCode: PROVIDER_CSR_PROFILE,
        subject: csr.subjectString,
        subjectDer: toDbBytes(csr.subjectDer),
        csrDer: toDbBytes(csr.der),
        spkiDer: toDbBytes(csr.spkiDer),
        publicKeyFingerprint: csr.publicKeyFingerprint,
        keySource: made.keySource,
        ...made.sealed,
        createdById: actorUserId(actor),
      },
    });
    await recordAudit(tx, actor, {
      action: "provider_csr.create",
      orgId: org.id,
      targetType: "provider_csr",
      targetId: row.id,
      details: { environment: env.code, organisation: org.code, subject: row.subject, keySource: made.keySource, publicKeyFingerprint: row.publicKeyFingerprint },
    });
    await emitEvent(tx, "provider_csr.created", { id: row.id });
    return row.id;
  });
  return getProviderCsr(actor, id);
}

/** An admin cancels a CSR still waiting for the partner (a mistaken subject, a lost gateway key). */
export async function cancelProviderCsr(actor: Actor, id: string) {
  authorize(actor, "provider-csr:create");
  const row = await getProviderCsr(actor, id);
  await getDb().$transaction(async (tx) => {
    const n = await tx.providerCsr.updateMany({ where: { id: row.id, status: "awaiting_certificate" }, data: { status: "cancelled", ...ERASED_CSR_KEY, retiredAt: new Date() } });
    if (!n.count) throw new AppError("conflict", `This provider CSR is ${row.status.replace("_", " ")}; only one waiting for the partner can be cancelled.`);
    await recordAudit(tx, actor, { action: "provider_csr.cancel", orgId: row.orgId, targetType: "provider_csr", targetId: row.id, details: { environment: row.environment, organisation: row.organisation } });
  });
  return getProviderCsr(actor, id);
}
