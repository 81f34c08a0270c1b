"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { CopyButton } from "@/components/ui/copy-button";
import type { FormState } from "@/lib/actions/form-state";
import { markNotificationsReadAction, removeWebhookAction, setNotificationPreferencesAction, setReminderDaysAction, setWebhookAction } from "@/lib/actions/notifications";

const initial: FormState = { ok: false };

/** "Mark read" for one notification, or for all of them. */
export function MarkReadForm({ id, label = "Mark read" }: { id?: string; label?: string }) {
  const [state, action, pending] = useActionState(markNotificationsReadAction, initial);
  return (
    <form action={action} className="inline-flex items-center gap-2">
      {id ? <input type="hidden" name="id" value={id} /> : <input type="hidden" name="all" value="1" />}
      <button type="submit" disabled={pending} className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-50">
        {label}
      </button>
      {!state.ok && state.message ? <span role="alert" className="text-xs text-red-700">{state.message}</span> : null}
    </form>
  );
}

export type PreferenceRow = { type: string; label: string; security: boolean; toGroup: boolean; toSubmitter: boolean };

/** Which events go to the group mailbox and to the submitting user; security notices are fixed on for the mailbox. */
export function PreferencesForm({ preferences }: { preferences: PreferenceRow[] }) {
  const [state, action, pending] = useActionState(setNotificationPreferencesAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Notification preferences">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
          <tr>
            <th className="px-2 py-2 font-medium">Event</th>
            <th className="px-2 py-2 font-medium">Group mailbox</th>
            <th className="px-2 py-2 font-medium">Submitting user too</th>
          </tr>
        </thead>
        <tbody>
          {preferences.map((p) => (
            <tr key={p.type} className="border-b border-slate-100 last:border-0">
              <td className="px-2 py-2">
                <input type="hidden" name="type" value={p.type} />
                {p.label}
                {p.security ? <span className="ml-2 text-xs text-slate-500">(security notice: always sent)</span> : null}
              </td>
              <td className="px-2 py-2">
                <input type="checkbox" name={`group:${p.type}`} defaultChecked={p.toGroup} disabled={p.security} aria-label={`${p.label}: group mailbox`} />
                {p.security ? <input type="hidden" name={`group:${p.type}`} value="on" /> : null}
              </td>
              <td className="px-2 py-2">
                <input type="checkbox" name={`submitter:${p.type}`} defaultChecked={p.toSubmitter} aria-label={`${p.label}: submitting user`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FormMessage state={state} />
      <div>
        <SubmitButton pending={pending}>Save preferences</SubmitButton>
      </div>
    </form>
  );
}

/** The organisation's signed webhook: an HTTPS URL; a new secret is shown once. */
export function WebhookForm({ current }: { current: string | null }) {
  const [state, action, pending] = useActionState(setWebhookAction, initial);
  const [removed, remove, removing] = useActionState(removeWebhookAction, initial);
  return (
    <div className="grid max-w-2xl gap-3">
      <form action={action} className="grid gap-3" aria-label="Webhook" noValidate>
        <Field
          label="Webhook URL"
          name="url"
          type="url"
          placeholder="https://hooks.example.com/keyport"
          defaultValue={state.values?.url ?? current ?? ""}
          error={state.fields?.url}
          hint="Each event is POSTed as JSON, signed with HMAC-SHA-256 (header Keyport-Signature: t=<unix time>,v1=<hex>). Saving makes a new signing secret."
        />
        <FormMessage state={state} />
        {state.secret ? (
          <p className="flex flex-wrap items-center gap-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm">
            Signing secret: <code className="break-all" data-testid="webhook-secret">{state.secret}</code>
            <CopyButton text={state.secret} />
          </p>
        ) : null}
        <div>
          <SubmitButton pending={pending}>{current ? "Replace webhook and secret" : "Set webhook"}</SubmitButton>
        </div>
      </form>
      {current ? (
        <form action={remove} aria-label="Remove webhook">
          <button type="submit" disabled={removing} className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-50">
            Remove webhook
          </button>
          <FormMessage state={removed} />
        </form>
      ) : null}
    </div>
  );
}

/** Admins: an environment's expiry-reminder thresholds. */
export function ReminderDaysForm({ environment, days }: { environment: string; days: number[] }) {
  const [state, action, pending] = useActionState(setReminderDaysAction, initial);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" aria-label={`Reminders for ${environment}`} noValidate>
      <input type="hidden" name="environment" value={environment} />
      <Field label={`${environment}: days before expiry`} name="days" defaultValue={state.values?.days ?? days.join(", ")} error={state.fields?.days} />
      <SubmitButton pending={pending}>Save</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
