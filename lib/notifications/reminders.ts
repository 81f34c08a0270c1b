// Expiry reminders (the expiry-reminders job). Per environment thresholds (ReminderPolicy, default
// 60/30/7/1 days before notAfter). A certificate that has crossed one or more thresholds gets ONE
// reminder, for the tightest crossed, under the key certificate.expiring:<id>:<days>: emitEvent
// skips a key already used, so each certificate hears of each threshold at most once, however often
// or wherever the job runs. A certificate that has a successor (a renewal issued) or is revoked is
// not reminded; one that expired unrenewed gets one certificate.expired notice. Admins hear of CA
// certificates expiring within 90/30/7 days.
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { getDb } from "@/lib/db/client";
import { emitEvent } from "./emit-event";

export const DEFAULT_REMINDER_DAYS = [60, 30, 7, 1] as const;
const CA_REMINDER_DAYS = [90, 30, 7];
const DAY = 86_400_000;
/** Certificates looked at per run: a bound on one run's work (the next run takes the rest). */
const BATCH = 2000;

export type ReminderReport = { reminders: number; expired: number; caWarnings: number };

export async function reminderDaysByEnv(): Promise<Map<string, number[]>> {
  const rows = await getDb().reminderPolicy.findMany();
  return new Map(rows.map((r) => [r.envId, [...r.days].sort((a, b) => b - a)]));
}

export async function sendExpiryReminders(actor: Actor, now: Date = new Date()): Promise<ReminderReport> {
  const db = getDb();
  const policies = await reminderDaysByEnv();
  const maxDays = Math.max(...DEFAULT_REMINDER_DAYS, ...[...policies.values()].flat());
  const due = await db.$queryRaw<{ id: string; env_id: string; not_after: Date }[]>`
    SELECT c.id, c.env_id, c.not_after FROM certificates c
    WHERE c.org_id IS NOT NULL AND c.revoked_at IS NULL
      AND c.not_after > ${new Date(now.getTime() - 30 * DAY)} AND c.not_after <= ${new Date(now.getTime() + maxDays * DAY)}
      AND NOT EXISTS (SELECT 1 FROM certificates s WHERE s.renews_certificate_id = c.id)
    ORDER BY c.not_after LIMIT ${BATCH}`;
  const report: ReminderReport = { reminders: 0, expired: 0, caWarnings: 0 };
  for (const c of due) {
    const left = (c.not_after.getTime() - now.getTime()) / DAY;
    await db.$transaction(async (tx) => {
      if (left <= 0) {
        if (await emitEvent(tx, "certificate.expired", { id: c.id }, { dedupeKey: `certificate.expired:${c.id}` })) {
          report.expired++;
          await recordAudit(tx, actor, { action: "notification.certificate_expired", targetType: "certificate", targetId: c.id, details: { notAfter: c.not_after.toISOString() } });
        }
        return;
      }
      const days = policies.get(c.env_id) ?? [...DEFAULT_REMINDER_DAYS];
      const crossed = days.filter((d) => left <= d);
      if (!crossed.length) return;
      const tightest = Math.min(...crossed);
      // Later thresholds already used mean this one was passed by: nothing to send.
      const key = `certificate.expiring:${c.id}:${tightest}`;
      if (await emitEvent(tx, "certificate.expiring", { id: c.id, extra: { days: String(Math.ceil(left)) } }, { dedupeKey: key })) {
        report.reminders++;
        await recordAudit(tx, actor, { action: "notification.expiry_reminder", targetType: "certificate", targetId: c.id, details: { threshold: tightest, notAfter: c.not_after.toISOString() } });
      }
    });
  }
  const cas = await db.certificateAuthority.findMany({ where: { active: true, notAfter: { lte: new Date(now.getTime() + Math.max(...CA_REMINDER_DAYS) * DAY) } }, select: { id: true, notAfter: true } });
  for (const ca of cas) {
    const left = (ca.notAfter.getTime() - now.getTime()) / DAY;
    const tightest = Math.min(...CA_REMINDER_DAYS.filter((d) => left <= d));
    await db.$transaction(async (tx) => {
      if (await emitEvent(tx, "ca.expiring", { id: ca.id, extra: { days: String(Math.max(0, Math.ceil(left))) } }, { dedupeKey: `ca.expiring:${ca.id}:${tightest}` })) {
        report.caWarnings++;
        await recordAudit(tx, actor, { action: "notification.ca_expiring", targetType: "ca", targetId: ca.id, details: { threshold: tightest } });
      }
    });
  }
  return report;
}
