"use client";

import { useActionState } from "react";
import { confirmTotpEnrollmentAction, startTotpEnrollmentAction } from "@/lib/actions/account";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";

export function TotpEnrollment({ next }: { next: string }) {
  const [started, start, starting] = useActionState(startTotpEnrollmentAction, { ok: false });
  const [confirmed, confirm, confirming] = useActionState(confirmTotpEnrollmentAction, { ok: false });
  if (confirmed.ok && confirmed.recoveryCodes) {
    return (
      <div className="grid gap-3">
        <FormMessage state={confirmed} />
        <ol className="grid grid-cols-2 gap-1 rounded border border-amber-300 bg-amber-50 p-3 font-mono text-sm" data-testid="recovery-codes">
          {confirmed.recoveryCodes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ol>
        <a href={next} className="rounded bg-slate-900 px-4 py-2 text-center font-medium text-white">
          Continue
        </a>
      </div>
    );
  }
  return (
    <div className="grid gap-4">
      <form action={start} aria-label="Start two-factor set-up">
        <FormMessage state={started} />
        {!started.secret ? <SubmitButton pending={starting}>Set up an authenticator app</SubmitButton> : null}
      </form>
      {started.secret ? (
        <>
          <div className="rounded border border-slate-300 p-3 text-sm">
            <p className="font-medium">Secret (enter it in your app, or open the link on your phone):</p>
            <code className="break-all" data-testid="totp-secret">
              {started.secret}
            </code>
            <p className="mt-2 break-all text-xs text-slate-600">
              <a href={started.uri} className="underline">
                {started.uri}
              </a>
            </p>
          </div>
          <form action={confirm} className="grid gap-3" aria-label="Confirm two-factor set-up">
            <Field label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" error={confirmed.fields?.code} />
            <FormMessage state={confirmed} />
            <SubmitButton pending={confirming}>Turn on two-factor sign-in</SubmitButton>
          </form>
        </>
      ) : null}
    </div>
  );
}
