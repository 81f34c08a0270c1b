"use client";

import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import { startTransition, useActionState, useState } from "react";
import { finishPasskeyRegistrationAction, removePasskeyAction, startPasskeyRegistrationAction, startPasskeyStepUpAction, verifyStepUpAction } from "@/lib/actions/account";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import type { FormState } from "@/lib/actions/form-state";

const ceremonyFailed = (e: unknown): FormState => ({ ok: false, message: `The browser did not create or use a passkey (${e instanceof Error ? e.name : "cancelled"}). Try again.` });

/** Add a passkey: options from the server, the browser's WebAuthn ceremony, the answer back to be verified. */
export function PasskeyEnrollment({ next }: { next?: string }) {
  const [state, setState] = useState<FormState>({ ok: false });
  const [pending, setPending] = useState(false);
  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    setPending(true);
    try {
      const started = await startPasskeyRegistrationAction();
      if (!started.options) return setState(started);
      let response;
      try {
        response = await startRegistration({ optionsJSON: started.options });
      } catch (err) {
        return setState(ceremonyFailed(err));
      }
      const done = await finishPasskeyRegistrationAction({ response: JSON.stringify(response), name });
      setState(done);
      if (done.ok && next) window.location.assign(next);
    } finally {
      setPending(false);
    }
  }
  return (
    <form onSubmit={onSubmit} className="grid gap-3" aria-label="Add a passkey">
      <Field label="Passkey name" name="name" defaultValue="My passkey" maxLength={60} error={state.fields?.name} />
      <FormMessage state={state} />
      <SubmitButton pending={pending}>Add a passkey</SubmitButton>
    </form>
  );
}

export function RemovePasskey({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(removePasskeyAction, { ok: false });
  return (
    <form action={action} aria-label={`Remove passkey ${name}`} className="inline">
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className="text-sm text-red-700 underline">
        Remove
      </button>
      <FormMessage state={state} />
    </form>
  );
}

/** Verify again (step-up) before a sensitive action: an authenticator code, or a passkey. */
export function StepUp({ hasTotp, hasPasskey }: { hasTotp: boolean; hasPasskey: boolean }) {
  const [state, action, pending] = useActionState(verifyStepUpAction, { ok: false });
  const [ceremony, setCeremony] = useState<FormState>({ ok: false });
  async function withPasskey() {
    const started = await startPasskeyStepUpAction();
    if (!started.options) return setCeremony(started);
    try {
      const response = await startAuthentication({ optionsJSON: started.options });
      const fd = new FormData();
      fd.set("passkey", JSON.stringify(response));
      setCeremony({ ok: false });
      startTransition(() => action(fd));
    } catch (err) {
      setCeremony(ceremonyFailed(err));
    }
  }
  return (
    <div className="grid gap-3" data-testid="step-up">
      {hasTotp ? (
        <form action={action} className="grid gap-3" aria-label="Verify with a code">
          <Field label="Code to verify" name="code" inputMode="numeric" autoComplete="one-time-code" error={state.fields?.code} />
          <SubmitButton pending={pending}>Verify</SubmitButton>
        </form>
      ) : null}
      {hasPasskey ? (
        <button type="button" onClick={() => void withPasskey()} className="rounded border border-slate-400 px-4 py-2 text-sm">
          Verify with a passkey
        </button>
      ) : null}
      <FormMessage state={ceremony.message ? ceremony : state} />
    </div>
  );
}
