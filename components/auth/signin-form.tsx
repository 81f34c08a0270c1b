"use client";

import { startAuthentication } from "@simplewebauthn/browser";
import { signIn } from "next-auth/react";
import { useState } from "react";

export const SIGNIN_FAILED = "Sign-in failed. Check your email, password and authentication code, or try again later.";

/** next: where to go once signed in (the sign-in page itself, with the callback, picks the destination the role may open). */
export function SignInForm({ next, sso, failed }: { next: string; sso?: { name: string } | null; failed?: boolean }) {
  const [error, setError] = useState<string | null>(failed ? SIGNIN_FAILED : null);
  const [pending, setPending] = useState(false);

  /** The passkey as the second factor: a challenge from the server (its id in an httpOnly cookie), the browser's ceremony, then the password sign-in with the answer. */
  async function passkeyAnswer(): Promise<string | null> {
    const res = await fetch("/api/passkey-signin", { method: "POST" });
    if (!res.ok) return null;
    try {
      return JSON.stringify(await startAuthentication({ optionsJSON: await res.json() }));
    } catch {
      return null;
    }
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const withPasskey = (e.nativeEvent as SubmitEvent).submitter?.getAttribute("name") === "use-passkey";
    setPending(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const passkey = withPasskey ? await passkeyAnswer() : null;
    if (withPasskey && !passkey) {
      setPending(false);
      setError(SIGNIN_FAILED);
      return;
    }
    const res = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      code: withPasskey ? "" : String(form.get("code") ?? ""),
      passkey: passkey ?? "",
      redirect: false,
    });
    if (!res || res.error || !res.ok) {
      setPending(false);
      setError(SIGNIN_FAILED);
      return;
    }
    // Full navigation so server components see the new session cookie.
    window.location.assign(next);
  }

  return (
    <>
    <form onSubmit={onSubmit} className="flex flex-col gap-4" aria-label="Sign in">
      <div className="flex flex-col gap-1">
        <label htmlFor="email" className="text-sm font-medium">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required className="rounded border border-slate-300 px-3 py-2" />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="password" className="text-sm font-medium">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className="rounded border border-slate-300 px-3 py-2" />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="code" className="text-sm font-medium">
          Authentication code
        </label>
        <input id="code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" className="rounded border border-slate-300 px-3 py-2" />
        <p className="text-xs text-slate-500">Only if you set up two-factor sign-in: the app&apos;s 6-digit code, or a recovery code — or use your passkey below.</p>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-50">
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <button type="submit" name="use-passkey" disabled={pending} className="rounded border border-slate-400 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-50">
        Use a passkey as the second factor
      </button>
    </form>
    {sso ? (
      <div className="mt-6 border-t border-slate-200 pt-6">
        <button
          type="button"
          onClick={() => void signIn("oidc", { callbackUrl: next })}
          className="w-full rounded border border-slate-900 px-4 py-2 font-medium hover:bg-slate-100"
        >
          Continue with {sso.name}
        </button>
        <p className="mt-1 text-xs text-slate-500">Provider staff: officers and admins.</p>
      </div>
    ) : null}
    </>
  );
}
