// Keyport's background jobs: what runs, when, and how it is retried. The engine (lib/jobs/engine.ts)
// runs each on exactly one instance per schedule tick, however many instances share the database.
// A handler is a service call with the system actor JOBS_ACTOR (trusted, audited as "jobs").
import { JOBS_ACTOR } from "@/lib/auth/actor";
import { renewDueCrls } from "@/lib/services/jobs/run-jobs";
import { checkpointIfHeadMoved } from "@/lib/services/audit/create-audit-checkpoint";
import { renewDueListenerCredentials } from "@/lib/ca/listener-credential";

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
  /** The run: its pg-boss job id and when the job was created (for a cron job, its tick). */
  run: (run: { jobId: string; createdOn: Date }) => Promise<unknown>;
};

export const JOBS: readonly JobDefinition[] = [
  {
    name: "crl-renewal",
    description: "Renew every CRL that is past half of its lifetime (RFC 5280 §5.1.2.5: published before nextUpdate).",
    cron: "*/10 * * * *",
    retryLimit: 5,
    retryDelay: 30,
    expireInSeconds: 10 * 60,
    run: () => renewDueCrls(JOBS_ACTOR),
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
];

export function jobByName(name: string): JobDefinition | undefined {
  return JOBS.find((j) => j.name === name);
}
