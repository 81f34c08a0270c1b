"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

export const SIGNIN_FAILED = "Sign-in failed. Check your email, password and authentication code, or try again later.";

/** next: where to go once signed in (the sign-in page itself, with the callback, picks the destination the role may open). */
export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const res = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      code: String(form.get("code") ?? ""),
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
        <p className="text-xs text-slate-500">Only if you set up two-factor sign-in: the app&apos;s 6-digit code, or a recovery code.</p>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-50">
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
