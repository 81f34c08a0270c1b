"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { Field, SubmitButton } from "@/components/ui/form";

type Result = { ok: boolean; message?: string; fields?: Record<string, string> };

/** Posts to /api/invitations/accept (no session yet); field errors inline, then on to sign-in. */
export function AcceptInvitationForm({ token, name }: { token: string; name: string }) {
  const [state, setState] = useState<Result>({ ok: false });
  const [pending, setPending] = useState(false);
  const router = useRouter();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    if (form.get("password") !== form.get("repeat")) {
      setState({ ok: false, message: "Please correct the highlighted fields.", fields: { repeat: "The two passwords differ." } });
      return;
    }
    setPending(true);
    try {
      const res = await fetch("/api/invitations/accept", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token, name: form.get("name"), password: form.get("password") }),
      });
      const body = (await res.json().catch(() => ({}))) as { email?: string; error?: { message: string; fields?: Record<string, string> } };
      if (res.ok) {
        setState({ ok: true, message: `Your account ${body.email ?? ""} is ready. Sign in with your new password.` });
        router.push("/signin?invited=1");
        return;
      }
      const onlyFields = body.error?.fields && Object.keys(body.error.fields).length;
      setState({ ok: false, message: onlyFields ? "Please correct the highlighted fields." : (body.error?.message ?? "Something went wrong."), fields: body.error?.fields });
    } finally {
      setPending(false);
    }
  }
  return (
    <form onSubmit={submit} className="grid gap-3" aria-label="Set your password">
      <Field label="Your name" name="name" defaultValue={name} error={state.fields?.name} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" error={state.fields?.password} hint="At least 12 characters." />
      <Field label="Repeat the password" name="repeat" type="password" autoComplete="new-password" error={state.fields?.repeat} />
      {state.message ? (
        <p role={state.ok ? "status" : "alert"} className={`text-sm ${state.ok ? "text-green-700" : "text-red-700"}`}>
          {state.message}
        </p>
      ) : null}
      <SubmitButton pending={pending}>Set password</SubmitButton>
    </form>
  );
}
