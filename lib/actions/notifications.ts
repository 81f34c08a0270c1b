"use server";

import { revalidatePath } from "next/cache";
import { requireActionActor } from "@/lib/auth/web-actor";
import { type FormState, formError, formText } from "@/lib/actions/form-state";
import { markNotificationsRead } from "@/lib/services/notifications/my-notifications";
import { removeWebhook, setNotificationPreferences, setWebhook } from "@/lib/services/notifications/org-notification-settings";
import { setReminderDays } from "@/lib/services/notifications/reminder-policy";

// Server actions are public endpoints: each one authenticates; the service authorizes and scopes
// (one's own notifications, one's own organisation's settings, admins' reminder thresholds).

/** Mark one notification (id) or all of one's own (all=1) read. */
export async function markNotificationsReadAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const id = formText(form, "id");
    const r = await markNotificationsRead(actor, formText(form, "all") === "1" ? { all: true } : { ids: id ? [id] : [] });
    revalidatePath("/", "layout");
    return { ok: true, message: `${r.marked} marked read.` };
  } catch (e) {
    return formError(e, "markNotificationsReadAction");
  }
}

/** The organisation's preferences: one pair of checkboxes per event type (group:<type>, submitter:<type>). */
export async function setNotificationPreferencesAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const types = form.getAll("type").filter((t): t is string => typeof t === "string");
    await setNotificationPreferences(actor, {
      preferences: types.map((type) => ({ type, toGroup: form.get(`group:${type}`) === "on", toSubmitter: form.get(`submitter:${type}`) === "on" })),
    });
    revalidatePath("/partner/settings");
    return { ok: true, message: "Saved. Security notices still reach the group mailbox." };
  } catch (e) {
    return formError(e, "setNotificationPreferencesAction");
  }
}

/** Set or replace the webhook; the new secret comes back once, in state.secret. */
export async function setWebhookAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await setWebhook(actor, { url: formText(form, "url") ?? "" });
    revalidatePath("/partner/settings");
    return { ok: true, message: `Webhook set to ${r.url}. Copy the signing secret now: it is not shown again.`, secret: r.secret, values: { url: r.url } };
  } catch (e) {
    return formError(e, "setWebhookAction", form);
  }
}

export async function removeWebhookAction(): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    await removeWebhook(actor);
    revalidatePath("/partner/settings");
    return { ok: true, message: "Webhook removed." };
  } catch (e) {
    return formError(e, "removeWebhookAction");
  }
}

/** Admins: an environment's expiry-reminder thresholds ("60, 30, 7, 1"). */
export async function setReminderDaysAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await setReminderDays(actor, { environment: formText(form, "environment") ?? "", days: formText(form, "days") ?? "" });
    revalidatePath("/admin/mail");
    return { ok: true, message: `${r.environment}: reminders at ${r.days.join(", ")} days before expiry.` };
  } catch (e) {
    return formError(e, "setReminderDaysAction", form);
  }
}
