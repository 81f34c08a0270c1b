"use client";

import { useActionState } from "react";
import {
  createEnvironmentAction,
  createOrganisationAction,
  createTokenAction,
  createUserAction,
  revokeTokenAction,
  endUserSessionsAction,
} from "@/lib/actions/admin";
import { createOrgTokenAction, revokeOrgTokenAction } from "@/lib/actions/partner-users";
import type { FormState } from "@/lib/actions/form-state";
import { PARTNER_ROLES, TOKEN_SCOPES } from "@/lib/auth/permissions";
import { Field, FormMessage, SelectField, SubmitButton } from "@/components/ui/form";

const initial: FormState = { ok: false };

function Secret({ value, label }: { value?: string; label: string }) {
  if (!value) return null;
  return (
    <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-medium">{label} (shown once):</p>
      <code className="break-all" data-testid="secret">
        {value}
      </code>
    </div>
  );
}

export function CreateOrganisationForm() {
  const [state, action, pending] = useActionState(createOrganisationAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Create organisation">
      <Field label="Code" name="code" defaultValue={state.values?.code} placeholder="acme" error={state.fields?.code} hint="Lower-case, used in certificate subjects." />
      <Field label="Legal name" name="legalName" defaultValue={state.values?.legalName} placeholder="Acme Payments AS" error={state.fields?.legalName} />
      <Field label="Certificate-management group email" name="groupEmail" defaultValue={state.values?.groupEmail} type="email" placeholder="certs@acme.test" error={state.fields?.groupEmail} />
      <FormMessage state={state} />
      <SubmitButton pending={pending}>Create organisation</SubmitButton>
    </form>
  );
}

/** orgCodes null: too many organisations to list (organisationChoices); the field takes a code. */
export function CreateUserForm({ orgCodes }: { orgCodes: string[] | null }) {
  const [state, action, pending] = useActionState(createUserAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Create user">
      <Field label="Email" name="email" defaultValue={state.values?.email} type="email" error={state.fields?.email} />
      <Field label="Name" name="name" defaultValue={state.values?.name} error={state.fields?.name} />
      <SelectField
        label="Role"
        name="role"
        defaultValue={state.values?.role}
        error={state.fields?.role}
        options={["partner", "officer", "admin", "gateway"].map((r) => ({ value: r, label: r }))}
      />
      {orgCodes ? (
        <SelectField
          label="Organisation (partners only)"
          name="orgCode"
          defaultValue={state.values?.orgCode}
          error={state.fields?.orgCode}
          options={[{ value: "", label: "— none —" }, ...orgCodes.map((c) => ({ value: c, label: c }))]}
        />
      ) : (
        <Field label="Organisation code (partners only)" name="orgCode" defaultValue={state.values?.orgCode} error={state.fields?.orgCode} placeholder="empty for none" />
      )}
      <SelectField
        label="Partner access level (partners only)"
        name="partnerRole"
        defaultValue={state.values?.partnerRole}
        error={state.fields?.partnerRole}
        options={[{ value: "", label: "— default: partner security officer —" }, ...PARTNER_ROLES.map((r) => ({ value: r, label: r.replaceAll("_", " ") }))]}
      />
      <Field label="Password" name="password" type="password" autoComplete="new-password" error={state.fields?.password} hint="Leave empty to generate one." />
      <FormMessage state={state} />
      <Secret value={state.secret} label="Password" />
      <SubmitButton pending={pending}>Create user</SubmitButton>
    </form>
  );
}

export function CreateEnvironmentForm() {
  const [state, action, pending] = useActionState(createEnvironmentAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Create environment">
      <Field label="Code" name="code" defaultValue={state.values?.code} placeholder="PPR" error={state.fields?.code} />
      <Field label="Display name" name="name" defaultValue={state.values?.name} placeholder="Pre-production" error={state.fields?.name} />
      <Field label="Officer approvals required" name="approvalsRequired" type="number" defaultValue={state.values?.approvalsRequired ?? "1"} error={state.fields?.approvalsRequired} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="production" defaultChecked={state.values?.production === "on"} /> Production environment
      </label>
      <FormMessage state={state} />
      <SubmitButton pending={pending}>Create environment</SubmitButton>
    </form>
  );
}

/** "partner": a partner admin's form (its own organisation's users; lib/actions/partner-users.ts). */
/** emails null: too many users to list; the field takes the user's email. */
export function CreateTokenForm({ emails, audience = "admin" }: { emails: string[] | null; audience?: "admin" | "partner" }) {
  const [state, action, pending] = useActionState(audience === "partner" ? createOrgTokenAction : createTokenAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Create API token">
      {emails ? (
        <SelectField label="User" name="userEmail" defaultValue={state.values?.userEmail} error={state.fields?.userEmail} options={emails.map((e) => ({ value: e, label: e }))} />
      ) : (
        <Field label="User (email)" name="userEmail" type="email" defaultValue={state.values?.userEmail} error={state.fields?.userEmail} />
      )}
      <Field label="Token name" name="name" defaultValue={state.values?.name} placeholder="ci-pipeline" error={state.fields?.name} />
      <fieldset className="grid gap-1 text-sm">
        <legend className="font-medium">Scopes</legend>
        {TOKEN_SCOPES.map((s) => (
          <label key={s} className="flex items-center gap-2">
            <input type="checkbox" name="scopes" value={s} defaultChecked /> {s}
          </label>
        ))}
        {state.fields?.scopes ? <span className="text-xs text-red-700">{state.fields.scopes}</span> : null}
      </fieldset>
      <Field label="Expires on (optional)" name="expiresAt" type="date" defaultValue={state.values?.expiresAt} error={state.fields?.expiresAt} />
      <FormMessage state={state} />
      <Secret value={state.secret} label="API token" />
      <SubmitButton pending={pending}>Create token</SubmitButton>
    </form>
  );
}

export function RevokeTokenButton({ id, audience = "admin" }: { id: string; audience?: "admin" | "partner" }) {
  const [state, action, pending] = useActionState(audience === "partner" ? revokeOrgTokenAction : revokeTokenAction, initial);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className="text-xs text-red-700 underline">
        Revoke
      </button>
      {state.message && !state.ok ? <span className="ml-2 text-xs text-red-700">{state.message}</span> : null}
    </form>
  );
}

export function EndSessionsButton({ email }: { email: string }) {
  const [state, action, pending] = useActionState(endUserSessionsAction, initial);
  return (
    <form action={action} aria-label={`End sessions of ${email}`}>
      <input type="hidden" name="email" value={email} />
      <button type="submit" disabled={pending} className="text-xs text-red-700 underline">
        End sessions
      </button>
      {state.message ? <span className={`ml-2 text-xs ${state.ok ? "text-slate-600" : "text-red-700"}`}>{state.message}</span> : null}
    </form>
  );
}
