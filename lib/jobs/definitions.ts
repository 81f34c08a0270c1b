// Keyport's background jobs: what runs, when, and how it is retried. The engine (lib/jobs/engine.ts)
// runs each on exactly one instance per schedule tick, however many instances share the database.
// A handler is a service call with the system actor JOBS_ACTOR (trusted, audited as "jobs").
import type PgBoss from "pg-boss";
import { JOBS_ACTOR } from "@/lib/auth/actor";
import { deliverNotification, dispatchDeliveries } from "@/lib/notifications/deliver";
import { sendExpiryReminders } from "@/lib/notifications/reminders";
import { renewDueCrls } from "@/lib/services/jobs/run-jobs";
import { checkpointIfHeadMoved } from "@/lib/services/audit/create-audit-checkpoint";
import { renewDueListenerCredentials } from "@/lib/ca/listener-credential";
import { sealPendingAuditEvents } from "@/lib/audit/seal-audit";

export type JobDefinition = {
  /** Queue name (pg-boss): lower-case words and dashes. */
  name: string;
  description: string;
  /** Cron (five fields, UTC). Jobs without one run only when sent. */
  cron?: string;
  /** Attempts after the first, with exponential backoff from retryDelay seconds. */
  retryLimit: number;
  retryDelay: number;
  /** A run still active after this long is taken to have died (its instance was killed) and is retried. */
  expireInSeconds: number;
  run: (ctx: JobContext) => Promise<unknown>;
};

/** What a handler is given: the engine (to send further jobs) and the run's job (data, retries so far). */
export type JobContext = {
  boss: PgBoss;
  /** createdOn: when the job was created (for a cron job, its tick). */
  job: { id: string; data: unknown; retryCount: number; retryLimit: number; createdOn: Date };
};

export const JOBS: readonly JobDefinition[] = [
  {
    name: "crl-renewal",
    description: "Renew every CRL that is past half of its lifetime (RFC 5280 §5.1.2.5: published before nextUpdate), or that misses a revocation (rebuilt after each revocation; this bounds its staleness to a minute).",
    cron: "* * * * *",
    retryLimit: 5,
    retryDelay: 30,
    expireInSeconds: 10 * 60,
    run: () => renewDueCrls(JOBS_ACTOR),
  },
  {
    name: "audit-seal",
    description: "Seal pending audit events into the keyed hash chain (each instance also seals right after its own writes); `keyport audit verify` fails when one waits longer than KEYPORT_AUDIT_SEAL_MAX_LAG_SECONDS (300).",
    cron: "* * * * *",
    retryLimit: 2,
    retryDelay: 10,
    expireInSeconds: 5 * 60,
    run: () => sealPendingAuditEvents({ wait: false }),
  },
  {
    name: "listener-certificate-renewal",
    description: "Renew each connectivity listener's server certificate (shared by every instance) when less than 10 of its 30 days are left; listeners reload it within 5 minutes.",
    cron: "17 * * * *",
    retryLimit: 5,
    retryDelay: 60,
    expireInSeconds: 5 * 60,
    run: () => renewDueListenerCredentials(JOBS_ACTOR),
  },
  {
    name: "audit-checkpoint",
    description: "Sign a checkpoint of the audit chain's head when it moved since the newest checkpoint.",
    cron: "0 * * * *",
    retryLimit: 5,
    retryDelay: 60,
    expireInSeconds: 5 * 60,
    run: () => checkpointIfHeadMoved(JOBS_ACTOR),
  },
  {
    name: "notification-dispatch",
    description: "Hand each pending notification delivery (mail, webhook) to the notification-delivery queue: one job per delivery, whose id is the delivery's (a repeat is a no-op).",
    cron: "* * * * *",
    retryLimit: 3,
    retryDelay: 10,
    expireInSeconds: 5 * 60,
    run: ({ boss }) => dispatchDeliveries(boss),
  },
  {
    name: "notification-delivery",
    description: "Send one notification (SMTP or signed webhook POST); a failure is retried with exponential backoff, and after the last retry the delivery is dead-lettered with its reason (admins see it at /admin/mail).",
    retryLimit: 5,
    retryDelay: 30,
    expireInSeconds: 2 * 60,
    run: ({ job }) => deliverNotification(job),
  },
  {
    name: "expiry-reminders",
    description: "Remind organisations of certificates nearing notAfter (per environment thresholds, default 60/30/7/1 days), once per certificate and threshold, unless renewed or revoked; warn admins of expiring CAs.",
    cron: "5 * * * *",
    retryLimit: 3,
    retryDelay: 60,
    expireInSeconds: 10 * 60,
    run: () => sendExpiryReminders(JOBS_ACTOR),
  },
];

export function jobByName(name: string): JobDefinition | undefined {
  return JOBS.find((j) => j.name === name);
}
