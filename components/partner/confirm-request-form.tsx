"use client";

import { useActionState } from "react";
import { type PartnerFormState, confirmCertificateRequestAction } from "@/lib/actions/partner";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";

const initial: PartnerFormState = { ok: false };

/** A second partner security officer confirms a request (two-person rule on the partner's side). */
export function ConfirmRequestForm({ id }: { id: string }) {
  const [state, action, pending] = useActionState(confirmCertificateRequestAction, initial);
  return (
    <form action={action} className="mt-3 grid gap-2" aria-label="Confirm the request">
      <input type="hidden" name="id" value={id} />
      <Field label="Comment (optional)" name="comment" defaultValue={state.values?.comment} error={state.fields?.comment} />
      <FormMessage state={state} />
      <SubmitButton pending={pending}>Confirm request</SubmitButton>
    </form>
  );
}
