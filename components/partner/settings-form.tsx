"use client";

import { useActionState } from "react";
import { type PartnerFormState, updateGroupEmailAction } from "@/lib/actions/partner";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";

/** The certificate-management group email: where expiry and decision notices go. */
export function GroupEmailForm({ current }: { current: string }) {
  const [state, action, pending] = useActionState(updateGroupEmailAction, { ok: false } as PartnerFormState);
  return (
    <form action={action} className="grid max-w-lg gap-3" aria-label="Group email" noValidate>
      <Field
        label="Certificate-management group email"
        name="groupEmail"
        type="email"
        required
        defaultValue={state.values?.groupEmail ?? current}
        error={state.fields?.groupEmail}
        hint="A shared mailbox, not a person: it receives expiry reminders and decisions. Changes are recorded in the audit trail."
      />
      <FormMessage state={state} />
      <div>
        <SubmitButton pending={pending}>Save</SubmitButton>
      </div>
    </form>
  );
}
