"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/form-state";
import { endorseServerChainAction, rejectServerChainAction, uploadServerChainAction } from "@/lib/actions/exchange";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { TextAreaField } from "@/components/ui/textarea";

const initial: FormState = { ok: false };

export function UploadServerChainForm({ environment }: { environment: string }) {
  const [state, action, pending] = useActionState(uploadServerChainAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Upload your server CA chain">
      <input type="hidden" name="environment" value={environment} />
      <TextAreaField label="CA chain (PEM: root and intermediates)" name="chain" rows={8} error={state.fields?.chain} defaultValue={state.values?.chain} className="font-mono" />
      <TextAreaField label="Your server certificate (optional, PEM)" name="server" rows={4} error={state.fields?.server} defaultValue={state.values?.server} className="font-mono" />
      <Field label="Your server's URL (optional)" name="endpoint" placeholder="https://api.partner.example:8443" error={state.fields?.endpoint} defaultValue={state.values?.endpoint} />
      <SubmitButton pending={pending}>Upload and check</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function ServerChainDecision({ id }: { id: string }) {
  const [endorsed, endorse, endorsing] = useActionState(endorseServerChainAction, initial);
  const [rejected, reject, rejecting] = useActionState(rejectServerChainAction, initial);
  return (
    <div className="grid gap-3 md:grid-cols-2" data-testid={`chain-decision-${id}`}>
      <form action={endorse} className="grid gap-2">
        <input type="hidden" name="id" value={id} />
        <Field label="Comment (optional)" name="comment" />
        <SubmitButton pending={endorsing}>Endorse</SubmitButton>
        <FormMessage state={endorsed} />
      </form>
      <form action={reject} className="grid gap-2">
        <input type="hidden" name="id" value={id} />
        <Field label="Reason (the partner sees it)" name="reason" error={rejected.fields?.reason} />
        <SubmitButton pending={rejecting}>Reject</SubmitButton>
        <FormMessage state={rejected} />
      </form>
    </div>
  );
}
