"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/form-state";
import { confirmEndpointAction, probeEndpointAction, registerEndpointAction, rejectEndpointAction, removeEndpointAction } from "@/lib/actions/endpoints";
import { Field, FormMessage, SelectField, SubmitButton } from "@/components/ui/form";

const initial: FormState = { ok: false };

export function RegisterEndpointForm({ environment }: { environment: string }) {
  const [state, action, pending] = useActionState(registerEndpointAction, initial);
  return (
    <form action={action} className="grid gap-3" aria-label="Register an endpoint">
      <input type="hidden" name="environment" value={environment} />
      <SelectField
        label="Kind"
        name="kind"
        error={state.fields?.kind}
        defaultValue={state.values?.kind ?? "callback_url"}
        options={[
          { value: "callback_url", label: "Callback base URL (https)" },
          { value: "ingress_cidr", label: "Ingress IP range (CIDR)" },
        ]}
      />
      <Field label="URL or IP range" name="value" placeholder="https://api.partner.example:8443/callbacks" error={state.fields?.value} defaultValue={state.values?.value} />
      <Field label="Note (optional)" name="note" error={state.fields?.note} defaultValue={state.values?.note} />
      <SubmitButton pending={pending}>Register</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function EndpointRowActions({ id, probe, remove }: { id: string; probe: boolean; remove: boolean }) {
  const [probed, runProbe, probing] = useActionState(probeEndpointAction, initial);
  const [removed, runRemove, removing] = useActionState(removeEndpointAction, initial);
  return (
    <div className="flex flex-wrap items-start gap-2" data-testid={`endpoint-actions-${id}`}>
      {probe ? (
        <form action={runProbe}>
          <input type="hidden" name="id" value={id} />
          <SubmitButton pending={probing}>Run probe</SubmitButton>
          <FormMessage state={probed} />
        </form>
      ) : null}
      {remove ? (
        <form action={runRemove}>
          <input type="hidden" name="id" value={id} />
          <SubmitButton pending={removing}>Remove</SubmitButton>
          <FormMessage state={removed} />
        </form>
      ) : null}
    </div>
  );
}

export function EndpointDecision({ id }: { id: string }) {
  const [confirmed, confirm, confirming] = useActionState(confirmEndpointAction, initial);
  const [rejected, reject, rejecting] = useActionState(rejectEndpointAction, initial);
  return (
    <div className="grid gap-3 md:grid-cols-2" data-testid={`endpoint-decision-${id}`}>
      <form action={confirm} className="grid gap-2">
        <input type="hidden" name="id" value={id} />
        <Field label="Comment (optional)" name="comment" />
        <SubmitButton pending={confirming}>Confirm</SubmitButton>
        <FormMessage state={confirmed} />
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
