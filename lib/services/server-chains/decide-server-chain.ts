import type { z } from "zod";
import { getDb, type Tx } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { actorName, emitEvent } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { summariseFailures, validateServerChain } from "@/lib/pki/chain";
import { parseInput } from "@/lib/validation";
import { alreadyDecided, approveSchema, recordDecision, rejectSchema } from "@/lib/services/requests/approvals";
import { assertId } from "@/lib/services/scope";
import { type ReadCertificate } from "@/lib/pki/chain";
import * as pkijs from "pkijs";
import { toArrayBuffer } from "@/lib/pki/pem";
import { getServerChain } from "./read-server-chains";
import { revokedAmong, trustPolicyOf } from "./upload-server-chain";

async function lockChain(tx: Tx, id: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM partner_server_chains WHERE id = ${id}::uuid FOR UPDATE`;
  if (!locked.length) throw new AppError("not_found", `No server CA chain with id "${id}".`);
  return tx.partnerServerChain.findUniqueOrThrow({ where: { id }, include: { env: true, org: true } });
}

const asRead = (der: Uint8Array, i: number): ReadCertificate => ({ der, cert: pkijs.Certificate.fromBER(toArrayBuffer(der)), source: `stored certificate ${i + 1}` });

/**
 * An officer endorses. At the environment's number of distinct officers the chain is checked again
 * (it may have aged, or a certificate may have been revoked since), becomes active, and any chain
 * it replaces for that organisation and environment is retired — in the same transaction.
 */
export async function endorseServerChain(actor: Actor, id: string, input: z.input<typeof approveSchema> = {}) {
  authorize(actor, "server-chain:decide");
  const chainId = assertId(id, "server CA chain");
  const { comment } = parseInput(approveSchema, input ?? {});
  await getDb().$transaction(
    async (tx) => {
      const chain = await lockChain(tx, chainId);
      if (chain.status !== "pending") throw alreadyDecided("server CA chain", chain.status);
      const approvals = await recordDecision(tx, actor, { kind: "server_chain", requestId: chainId }, chain, { decision: "approve", comment });
      await recordAudit(tx, actor, {
        action: "server_chain.approve",
        orgId: chain.orgId,
        targetType: "server_chain",
        targetId: chainId,
        details: { approvals, required: chain.env.approvalsRequired, ...(comment ? { comment } : {}) },
      });
      if (approvals < chain.env.approvalsRequired) {
        await emitEvent(tx, "server_chain.approval_recorded", { id: chainId, by: actorName(actor), extra: { approvals: String(approvals) } });
        return;
      }
      const certificates = chain.chainDer.map((d, i) => asRead(new Uint8Array(d), i));
      const server = chain.serverCertDer ? asRead(new Uint8Array(chain.serverCertDer), 0) : null;
      const first = await validateServerChain({ certificates, server, policy: trustPolicyOf(chain.env) });
      const revoked = await revokedAmong(first.certificates.map((c) => c.sha256Fingerprint), tx);
      const v = revoked.size ? await validateServerChain({ certificates, server, policy: trustPolicyOf(chain.env), isRevoked: (f) => revoked.has(f) }) : first;
      if (!v.accepted) {
        throw new AppError("validation_failed", `The chain no longer passes its checks: ${summariseFailures(v.findings)} Nothing was endorsed; reject it with a reason.`, undefined, { findings: v.findings });
      }
      const now = new Date();
      const replaced = await tx.partnerServerChain.findMany({ where: { orgId: chain.orgId, envId: chain.envId, status: "endorsed" }, select: { id: true } });
      if (replaced.length) await tx.partnerServerChain.updateMany({ where: { id: { in: replaced.map((r) => r.id) } }, data: { status: "retired", retiredAt: now } });
      await tx.partnerServerChain.update({ where: { id: chainId }, data: { status: "endorsed", endorsedAt: now, decidedAt: now, findings: v.findings } });
      await recordAudit(tx, actor, {
        action: "server_chain.endorse",
        orgId: chain.orgId,
        targetType: "server_chain",
        targetId: chainId,
        details: { environment: chain.env.code, organisation: chain.org.code, rootFingerprint: chain.rootFingerprint, ...(replaced.length ? { retired: replaced.map((r) => r.id) } : {}) },
      });
      await emitEvent(tx, "server_chain.endorsed", { id: chainId });
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
  return getServerChain(actor, chainId);
}

/** An officer rejects with a reason the partner sees; an endorsed predecessor stays active. */
export async function rejectServerChain(actor: Actor, id: string, input: z.input<typeof rejectSchema> | Record<string, unknown>) {
  authorize(actor, "server-chain:decide");
  const chainId = assertId(id, "server CA chain");
  const { reason } = parseInput(rejectSchema, input ?? {});
  await getDb().$transaction(async (tx) => {
    const chain = await lockChain(tx, chainId);
    if (chain.status !== "pending") throw alreadyDecided("server CA chain", chain.status);
    await recordDecision(tx, actor, { kind: "server_chain", requestId: chainId }, chain, { decision: "reject", comment: reason });
    await tx.partnerServerChain.update({ where: { id: chainId }, data: { status: "rejected", rejectionReason: reason, decidedAt: new Date() } });
    await recordAudit(tx, actor, { action: "server_chain.reject", orgId: chain.orgId, targetType: "server_chain", targetId: chainId, details: { reason } });
    await emitEvent(tx, "server_chain.rejected", { id: chainId, reason });
  });
  return getServerChain(actor, chainId);
}
