"use client";

import { useActionState } from "react";
import {
  disableOrganisationAction,
  disableUserAction,
  enableOrganisationAction,
  enableUserAction,
  resetSecondFactorAction,
  updateOrganisationAction,
  updateUserAction,
} from "@/lib/actions/admin";
import type { FormState } from "@/lib/actions/form-state";
import { Field, FormMessage, SelectField, SubmitButton } from "@/components/ui/form";
import { PARTNER_ROLES } from "@/lib/auth/permissions";

const initial: FormState = { ok: false };

/** orgCodes null: too many organisations to list (organisationChoices); the field takes a code. */
export function EditUserForm({ user, orgCodes }: { user: { id: string; name: string; role: string; partnerRole: string | null; orgCode: string | null }; orgCodes: string[] | null }) {
  const [state, action, pending] = useActionState(updateUserAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Edit user">
      <input type="hidden" name="id" value={user.id} />
      <Field label="Name" name="name" defaultValue={state.values?.name ?? user.name} error={state.fields?.name} />
      <SelectField
        label="Role"
        name="role"
        defaultValue={state.values?.role ?? user.role}
        error={state.fields?.role}
        options={["partner", "officer", "admin", "gateway"].map((r) => ({ value: r, label: r }))}
      />
      {orgCodes ? (
        <SelectField
          label="Organisation (partners only)"
          name="orgCode"
          defaultValue={state.values?.orgCode ?? user.orgCode ?? ""}
          error={state.fields?.orgCode}
          options={[{ value: "", label: "— none —" }, ...orgCodes.map((c) => ({ value: c, label: c }))]}
        />
      ) : (
        <Field label="Organisation code (partners only)" name="orgCode" defaultValue={state.values?.orgCode ?? user.orgCode ?? ""} error={state.fields?.orgCode} placeholder="empty for none" />
      )}
      <SelectField
        label="Partner access level (partners only)"
        name="partnerRole"
        defaultValue={state.values?.partnerRole ?? user.partnerRole ?? ""}
        error={state.fields?.partnerRole}
        options={[{ value: "", label: "— default: partner security officer —" }, ...PARTNER_ROLES.map((r) => ({ value: r, label: r.replaceAll("_", " ") }))]}
      />
      <p className="text-xs text-slate-600">A role, partner role or organisation change signs the user out everywhere and revokes their API tokens.</p>
      <FormMessage state={state} />
      <SubmitButton pending={pending}>Save changes</SubmitButton>
    </form>
  );
}

export function UserStateButton({ id, disabled }: { id: string; disabled: boolean }) {
  const [state, action, pending] = useActionState(disabled ? enableUserAction : disableUserAction, initial);
  return (
    <form action={action} className="grid gap-2" aria-label={disabled ? "Enable user" : "Disable user"}>
      <input type="hidden" name="id" value={id} />
      <FormMessage state={state} />
      <SubmitButton pending={pending}>{disabled ? "Enable user" : "Disable user"}</SubmitButton>
    </form>
  );
}

export function EditOrganisationForm({ org }: { org: { id: string; legalName: string; groupEmail: string } }) {
  const [state, action, pending] = useActionState(updateOrganisationAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Edit organisation">
      <input type="hidden" name="id" value={org.id} />
      <Field label="Legal name" name="legalName" defaultValue={state.values?.legalName ?? org.legalName} error={state.fields?.legalName} />
      <Field label="Certificate-management group email" name="groupEmail" type="email" defaultValue={state.values?.groupEmail ?? org.groupEmail} error={state.fields?.groupEmail} />
      <FormMessage state={state} />
      <SubmitButton pending={pending}>Save changes</SubmitButton>
    </form>
  );
}

export function OrganisationStateButton({ id, disabled }: { id: string; disabled: boolean }) {
  const [state, action, pending] = useActionState(disabled ? enableOrganisationAction : disableOrganisationAction, initial);
  return (
    <form action={action} className="grid gap-2" aria-label={disabled ? "Enable organisation" : "Disable organisation"}>
      <input type="hidden" name="id" value={id} />
      <FormMessage state={state} />
      <SubmitButton pending={pending}>{disabled ? "Enable organisation" : "Disable organisation"}</SubmitButton>
    </form>
  );
}

export function ResetSecondFactorButton({ id }: { id: string }) {
  const [state, action, pending] = useActionState(resetSecondFactorAction, initial);
  return (
    <form action={action} className="grid gap-2" aria-label="Reset second factor">
      <input type="hidden" name="id" value={id} />
      <FormMessage state={state} />
      <SubmitButton pending={pending}>Reset second factor</SubmitButton>
    </form>
  );
}
