// Expiry-reminder thresholds per environment (days before notAfter), edited by admins.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { DEFAULT_REMINDER_DAYS } from "@/lib/notifications/reminders";

export async function listReminderPolicies(actor: Actor) {
  authorize(actor, "reminder:write");
  const db = getDb();
  const [envs, rows] = await Promise.all([db.environment.findMany({ orderBy: { code: "asc" }, select: { id: true, code: true, name: true } }), db.reminderPolicy.findMany()]);
  const byEnv = new Map(rows.map((r) => [r.envId, r.days]));
  return envs.map((e) => ({ environment: e.code, name: e.name, days: byEnv.get(e.id) ?? [...DEFAULT_REMINDER_DAYS], custom: byEnv.has(e.id) }));
}

export const reminderDaysSchema = z.object({
  environment: z.string({ message: "Choose an environment." }).trim().min(1, "Choose an environment.").max(32),
  // "60, 30, 7, 1": whole days, 1 to 365, at most 8 thresholds.
  days: z.string({ message: "Give the days, such as 60, 30, 7, 1." }).trim().max(100, "At most 100 characters."),
});

export function parseReminderDays(text: string): number[] {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.length) throw new AppError("validation_failed", "Give at least one number of days, such as 60, 30, 7, 1.", { days: "Give at least one threshold." });
  if (parts.length > 8) throw new AppError("validation_failed", "At most 8 thresholds.", { days: "At most 8 thresholds." });
  const days = parts.map((p) => {
    if (!/^\d{1,3}$/.test(p) || Number(p) < 1 || Number(p) > 365) throw new AppError("validation_failed", `"${p.slice(0, 10)}" is not a whole number of days from 1 to 365.`, { days: "Whole days from 1 to 365." });
    return Number(p);
  });
  return [...new Set(days)].sort((a, b) => b - a);
}

export async function setReminderDays(actor: Actor, input: z.input<typeof reminderDaysSchema>) {
  authorize(actor, "reminder:write");
  const data = parseInput(reminderDaysSchema, input ?? {});
  const days = parseReminderDays(data.days);
  return getDb().$transaction(async (tx) => {
    const env = await tx.environment.findUnique({ where: { code: data.environment.toUpperCase() } });
    if (!env) throw new AppError("not_found", `No environment "${data.environment.slice(0, 32)}".`, { environment: "Unknown environment." });
    const before = await tx.reminderPolicy.findUnique({ where: { envId: env.id } });
    await tx.reminderPolicy.upsert({ where: { envId: env.id }, create: { envId: env.id, days }, update: { days } });
    await recordAudit(tx, actor, { action: "reminder_policy.update", targetType: "environment", targetId: env.id, details: { environment: env.code, from: before?.days ?? [...DEFAULT_REMINDER_DAYS], to: days } });
    return { environment: env.code, days };
  });
}
