"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/form-state";
import {
  approveProviderCertificateAction,
  endorseServerChainAction,
  rejectProviderCertificateAction,
  rejectServerChainAction,
  uploadServerChainAction,
} from "@/lib/actions/exchange";
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

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/** The dual-control pair every decision uses: approve with an optional comment, reject with a reason. */
export function DecisionForms({ id, approve, reject, approveLabel = "Approve", testId }: { id: string; approve: Action; reject: Action; approveLabel?: string; testId: string }) {
  const [approved, approveAction, approving] = useActionState(approve, initial);
  const [rejected, rejectAction, rejecting] = useActionState(reject, initial);
  return (
    <div className="grid gap-3 md:grid-cols-2" data-testid={testId}>
      <form action={approveAction} className="grid gap-2">
        <input type="hidden" name="id" value={id} />
        <Field label="Comment (optional)" name="comment" />
        <SubmitButton pending={approving}>{approveLabel}</SubmitButton>
        <FormMessage state={approved} />
      </form>
      <form action={rejectAction} className="grid gap-2">
        <input type="hidden" name="id" value={id} />
        <Field label="Reason (the partner sees it)" name="reason" error={rejected.fields?.reason} />
        <SubmitButton pending={rejecting}>Reject</SubmitButton>
        <FormMessage state={rejected} />
      </form>
    </div>
  );
}

export function ServerChainDecision({ id }: { id: string }) {
  return <DecisionForms id={id} approve={endorseServerChainAction} reject={rejectServerChainAction} approveLabel="Endorse" testId={`chain-decision-${id}`} />;
}

export function ProviderCertificateDecision({ id }: { id: string }) {
  return <DecisionForms id={id} approve={approveProviderCertificateAction} reject={rejectProviderCertificateAction} testId={`provider-certificate-decision-${id}`} />;
}
