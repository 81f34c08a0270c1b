// CRLs after revocations (issue 21): a revocation commits the certificate row and its audit
// event only; the issuing CA's CRL is rebuilt afterwards in a transaction of its own, never inside
// another request's. Bursts coalesce: while one rebuild of a CA runs, every revocation that
// arrives waits for the single next one, which covers them all. A CRL is stale when it lists fewer
// certificates than the CA has revoked (revocation is final, so the count only grows); the
// crl-renewal job (every minute) rebuilds stale CRLs too, so a revocation whose instance died
// before rebuilding is on the CRL within a minute, and `gateway sync` still renews due CRLs.
import { getDb } from "@/lib/db/client";
import { JOBS_ACTOR } from "@/lib/auth/actor";
import { latestCrl, regenerateCrl } from "@/lib/ca/authority";
import { log } from "@/lib/log/logger";
import type { Tx } from "@/lib/db/client";

/** Whether the CA's newest CRL lists fewer certificates than the CA has revoked (root CAs: never). */
export async function crlIsStale(db: Pick<Tx, "certificate" | "crl">, ca: { id: string; kind: string }): Promise<boolean> {
  if (ca.kind === "root") return false;
  const [crl, revoked] = await Promise.all([latestCrl(db, ca.id), db.certificate.count({ where: { caId: ca.id, revokedAt: { not: null } } })]);
  return !crl || crl.entries < revoked;
}

/** Rebuild the CA's CRL if it is stale, under the CA's row lock (decided again under it). Returns the new CRL's number, or null when it was current. */
export async function rebuildStaleCrl(caId: string): Promise<bigint | null> {
  return getDb().$transaction(
    async (tx) => {
      const [ca] = await tx.$queryRaw<{ id: string; kind: string }[]>`SELECT id, kind::text AS kind FROM certificate_authorities WHERE id = ${caId}::uuid FOR UPDATE`;
      if (!ca || !(await crlIsStale(tx, ca))) return null;
      return (await regenerateCrl(tx, JOBS_ACTOR, caId)).number;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

type Slot = { running: Promise<void> | null; next: Promise<void> | null };
const slots = new Map<string, Slot>();

/**
 * After a revocation committed: the CA's CRL rebuilt, coalesced with every other revocation of
 * the same CA waiting meanwhile. Resolves once a rebuild that started after the call finished;
 * never rejects (a failure is logged, and the crl-renewal job rebuilds the stale CRL).
 */
export function rebuildCrlAfterRevocation(caId: string): Promise<void> {
  let slot = slots.get(caId);
  if (!slot) slots.set(caId, (slot = { running: null, next: null }));
  const s = slot;
  if (s.next) return s.next;
  const start = (): Promise<void> => {
    const p: Promise<void> = rebuildStaleCrl(caId)
      .then(
        () => undefined,
        (e: unknown) => log("crl").error({ caId, err: e instanceof Error ? e.message : String(e) }, "CRL rebuild after a revocation failed; the crl-renewal job retries"),
      )
      .finally(() => {
        if (s.running === p) s.running = null;
        if (!s.running && !s.next) slots.delete(caId);
      });
    s.running = p;
    return p;
  };
  if (!s.running) return start();
  const next = s.running.then(() => {
    s.next = null;
    return start();
  });
  s.next = next;
  return next;
}
