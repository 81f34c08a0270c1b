"use client";

import { useActionState } from "react";
import { changeOrgUserRoleAction, disableOrgUserAction, enableOrgUserAction, inviteOrgUserAction } from "@/lib/actions/partner-users";
import type { FormState } from "@/lib/actions/form-state";
import { PARTNER_ROLES } from "@/lib/auth/permissions";
import { Field, FormMessage, SelectField, SubmitButton } from "@/components/ui/form";

const initial: FormState = { ok: false };
export const PARTNER_ROLE_LABELS: Record<(typeof PARTNER_ROLES)[number], string> = {
  partner_admin: "Partner admin",
  partner_security_officer: "Partner security officer",
  viewer: "Viewer",
};
const roleOptions = PARTNER_ROLES.map((r) => ({ value: r, label: PARTNER_ROLE_LABELS[r] }));

export function InviteUserForm() {
  const [state, action, pending] = useActionState(inviteOrgUserAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Invite a user">
      <Field label="Email" name="email" type="email" defaultValue={state.values?.email} error={state.fields?.email} />
      <Field label="Name (optional)" name="name" defaultValue={state.values?.name} error={state.fields?.name} />
      <SelectField label="Role" name="partnerRole" defaultValue={state.values?.partnerRole ?? "viewer"} error={state.fields?.partnerRole} options={roleOptions} />
      <FormMessage state={state} />
      <SubmitButton pending={pending}>Send invitation</SubmitButton>
    </form>
  );
}

export function ChangeRoleForm({ id, email, current }: { id: string; email: string; current: string }) {
  const [state, action, pending] = useActionState(changeOrgUserRoleAction, initial);
  return (
    <form action={action} className="flex items-center gap-2" aria-label={`Role of ${email}`}>
      <input type="hidden" name="id" value={id} />
      <select name="partnerRole" defaultValue={current} aria-label={`New role for ${email}`} className="rounded border border-slate-300 px-2 py-1 text-xs">
        {roleOptions.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <button type="submit" disabled={pending} className="text-xs underline">
        Change role
      </button>
      {state.message ? <span className={`text-xs ${state.ok ? "text-green-700" : "text-red-700"}`}>{state.message}</span> : null}
    </form>
  );
}

export function DisableUserButton({ id, email, disabled }: { id: string; email: string; disabled: boolean }) {
  const [state, action, pending] = useActionState(disabled ? enableOrgUserAction : disableOrgUserAction, initial);
  return (
    <form action={action} aria-label={`${disabled ? "Enable" : "Disable"} ${email}`}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className={`text-xs underline ${disabled ? "" : "text-red-700"}`}>
        {disabled ? "Enable" : "Disable"}
      </button>
      {state.message && !state.ok ? <span className="ml-2 text-xs text-red-700">{state.message}</span> : null}
    </form>
  );
}
