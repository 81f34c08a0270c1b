// Events about failures of Keyport's own work, emitted after the failed transaction rolled back.
import { getDb } from "@/lib/db/client";
import { emitEvent } from "./emit-event";

/** Tell admins a CRL could not be renewed: at most once per CA and hour (the job retries more often). */
export async function notifyCrlRenewalFailed(caId: string, error: unknown, at: Date = new Date()): Promise<void> {
  const reason = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  const hour = at.toISOString().slice(0, 13);
  // A failure to notify must not hide the failure being reported.
  await getDb()
    .$transaction((tx) => emitEvent(tx, "crl.renewal_failed", { id: caId, reason }, { dedupeKey: `crl.renewal_failed:${caId}:${hour}` }))
    .catch(() => {});
}
