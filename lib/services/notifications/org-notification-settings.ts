// A partner organisation's notification settings: which events go to the group mailbox and to the
// submitting user (security notices always reach the mailbox), and its signed webhook.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { orgScope } from "@/lib/services/scope";
import { newWebhookSecret } from "@/lib/ca/webhook-secret";
import { orgEventTypes } from "@/lib/notifications/event-types";
import { webhookUrlProblem } from "@/lib/notifications/deliver";

function ownOrg(actor: Actor): string {
  const orgId = orgScope(actor);
  if (!orgId) throw new AppError("forbidden", "Only a partner organisation's users change its notification settings.");
  return orgId;
}

export async function getNotificationSettings(actor: Actor) {
  authorize(actor, "notification:configure");
  const orgId = ownOrg(actor);
  const db = getDb();
  const [prefs, hook, deliveries] = await Promise.all([
    db.notificationPreference.findMany({ where: { orgId } }),
    db.webhookEndpoint.findUnique({ where: { orgId }, select: { url: true, updatedAt: true } }),
    db.delivery.findMany({ where: { orgId, channel: "webhook" }, orderBy: { createdAt: "desc" }, take: 50, include: { attemptLog: { orderBy: { at: "asc" }, take: 20 } } }),
  ]);
  const byType = new Map(prefs.map((p) => [p.eventType, p]));
  return {
    preferences: orgEventTypes().map(([type, def]) => {
      const p = byType.get(type) ?? def.defaults ?? { toGroup: true, toSubmitter: false };
      return { type, label: def.label, security: !!def.security, toGroup: def.security ? true : p.toGroup, toSubmitter: p.toSubmitter };
    }),
    webhook: hook ? { url: hook.url, updatedAt: hook.updatedAt.toISOString() } : null,
    webhookDeliveries: deliveries.map((d) => ({
      id: d.id,
      event: d.subject,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      attemptLog: d.attemptLog.map((a) => ({ at: a.at.toISOString(), ok: a.ok, answer: a.answer })),
    })),
  };
}

const flag = z.union([z.boolean(), z.enum(["on", "true", "1", "off", "false", "0"])]).optional().transform((v) => v === true || v === "on" || v === "true" || v === "1");
export const preferencesSchema = z.object({
  preferences: z.array(z.object({ type: z.string().max(64), toGroup: flag, toSubmitter: flag })).max(64),
});

export async function setNotificationPreferences(actor: Actor, input: z.input<typeof preferencesSchema>) {
  authorize(actor, "notification:configure");
  const orgId = ownOrg(actor);
  const { preferences } = parseInput(preferencesSchema, input ?? {});
  const known = new Map(orgEventTypes());
  for (const p of preferences) if (!known.has(p.type as never)) throw new AppError("validation_failed", `"${p.type.slice(0, 64)}" is not an event your organisation is told of.`);
  await getDb().$transaction(async (tx) => {
    for (const p of preferences) {
      const def = known.get(p.type as never)!;
      const row = { toGroup: def.security ? true : p.toGroup, toSubmitter: p.toSubmitter };
      await tx.notificationPreference.upsert({ where: { orgId_eventType: { orgId, eventType: p.type } }, create: { orgId, eventType: p.type, ...row }, update: row });
    }
    await recordAudit(tx, actor, { action: "notification_preferences.update", orgId, targetType: "organisation", targetId: orgId, details: { preferences } });
  });
  return getNotificationSettings(actor);
}

export const webhookSchema = z.object({ url: z.string({ message: "Give the webhook URL." }).trim().min(1, "Give the webhook URL.").max(2000, "At most 2000 characters.") });

/** Set (or replace) the webhook: a new secret is made and returned ONCE; it is stored sealed. */
export async function setWebhook(actor: Actor, input: z.input<typeof webhookSchema>) {
  authorize(actor, "notification:configure");
  const orgId = ownOrg(actor);
  const { url } = parseInput(webhookSchema, input ?? {});
  const problem = webhookUrlProblem(url);
  if (problem) throw new AppError("validation_failed", problem, { url: problem });
  const { secret, sealed: raw, masterKeyId } = newWebhookSecret(orgId);
  const sealed = toDbBytes(raw);
  await getDb().$transaction(async (tx) => {
    await tx.webhookEndpoint.upsert({ where: { orgId }, create: { orgId, url, sealedSecret: sealed, masterKeyId }, update: { url, sealedSecret: sealed, masterKeyId } });
    await recordAudit(tx, actor, { action: "webhook.set", orgId, targetType: "organisation", targetId: orgId, details: { url } });
  });
  return { url, secret };
}

export async function removeWebhook(actor: Actor) {
  authorize(actor, "notification:configure");
  const orgId = ownOrg(actor);
  await getDb().$transaction(async (tx) => {
    const gone = await tx.webhookEndpoint.deleteMany({ where: { orgId } });
    if (!gone.count) throw new AppError("not_found", "Your organisation has no webhook.");
    await recordAudit(tx, actor, { action: "webhook.remove", orgId, targetType: "organisation", targetId: orgId });
  });
  return { removed: true };
}
