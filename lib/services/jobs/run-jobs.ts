import { notifyCrlRenewalFailed } from "@/lib/notifications/system-events";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { CRL_VALIDITY, latestCrl, regenerateCrl } from "@/lib/ca/authority";
import { checkpointIfHeadMoved } from "@/lib/services/audit/create-audit-checkpoint";
import { renewDueListenerCredentials } from "@/lib/ca/listener-credential";
import { crlIsStale } from "@/lib/services/certificates/crl-rebuild";

/** A CRL is renewed once less than half of its lifetime is left (RFC 5280 §5.1.2.5: publish before nextUpdate). */
export function crlIsDue(crl: { thisUpdate: Date; nextUpdate: Date } | null, now = new Date()): boolean {
  if (!crl) return true;
  const half = (crl.nextUpdate.getTime() - crl.thisUpdate.getTime()) / 2;
  return crl.nextUpdate.getTime() - now.getTime() < half;
}

export type JobReport = {
  crls: { ca: string; environment: string; kind: string; number: string | null; action: "renewed" | "fresh" }[];
  /** The connectivity listeners' shared server certificates (not in a run scoped to one environment). */
  listeners: { environment: string; action: "renewed" | "fresh"; serial: string }[];
  /** A signed checkpoint of the audit chain's head, made when the head moved since the newest one (not in a run scoped to one environment). */
  checkpoint: { action: "created" | "unchanged"; seq: string | null } | null;
};

/**
 * Periodic work, safe to run from cron on several instances at once: every
 * active CA whose CRL is due gets a new one. Each CA is handled in its own
 * transaction under the CA's row lock, and "due" is decided again under the
 * lock, so two instances never publish two CRLs for the same window. Then the
 * audit chain's head is checkpointed if it moved (after the CRLs, to cover them),
 * unless the run is scoped to one environment (gateway nginx|sync renewing its CRLs).
 */
export async function runJobs(actor: Actor, now = () => new Date(), opts: { envCode?: string } = {}): Promise<JobReport> {
  const crls = await renewDueCrls(actor, now, opts);
  if (opts.envCode) return { crls, listeners: [], checkpoint: null };
  const listeners = await renewDueListenerCredentials(actor, now());
  return { crls, listeners, checkpoint: await checkpointIfHeadMoved(actor) };
}

/** Every active CA (of one environment, or all) whose CRL is due gets a new one; see runJobs. */
export async function renewDueCrls(actor: Actor, now = () => new Date(), opts: { envCode?: string } = {}): Promise<JobReport["crls"]> {
  authorize(actor, "crl:generate");
  const db = getDb();
  const cas = await db.certificateAuthority.findMany({ where: { active: true, ...(opts.envCode ? { env: { code: opts.envCode } } : {}) }, select: { id: true, kind: true, subject: true, env: { select: { code: true } } }, orderBy: { createdAt: "asc" } });
  const crls: JobReport["crls"] = [];
  for (const ca of cas) {
    // Most runs find nothing due: decide that without locks, and lock (then decide again) only to renew.
    const seen = await latestCrl(db, ca.id);
    if (!crlIsDue(seen, now()) && !(await crlIsStale(db, ca))) {
      crls.push({ ca: ca.subject, environment: ca.env.code, kind: ca.kind, number: seen?.number.toString() ?? null, action: "fresh" });
      continue;
    }
    const result = await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM certificate_authorities WHERE id = ${ca.id}::uuid FOR UPDATE`;
        const current = await latestCrl(tx, ca.id);
        const at = now();
        // Due by age, or stale: a revocation whose CRL rebuild did not happen (crl-rebuild.ts).
        if (!crlIsDue(current, at) && !(await crlIsStale(tx, ca))) return { action: "fresh" as const, number: current?.number ?? null };
        const crl = await regenerateCrl(tx, actor, ca.id, at);
        return { action: "renewed" as const, number: crl.number };
      },
      { timeout: 60_000, maxWait: 30_000 },
    ).catch(async (e: unknown) => {
      await notifyCrlRenewalFailed(ca.id, e, now());
      throw e;
    });
    crls.push({ ca: ca.subject, environment: ca.env.code, kind: ca.kind, number: result.number?.toString() ?? null, action: result.action });
  }
  return crls;
}

export { CRL_VALIDITY };
