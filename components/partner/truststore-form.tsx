"use client";

import { type FormEvent, useState } from "react";
import { Field, SubmitButton } from "@/components/ui/form";
import { saveBlob } from "@/components/ui/save-file";

/** POSTs the chosen password to the session route and saves the returned .p12; errors show inline. */
export function TruststoreForm({ id }: { id: string }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    setPending(true);
    try {
      const res = await fetch(`/partner/certificates/${id}/pkcs12`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password }),
      });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        setError(body?.error?.fields?.password ?? body?.error?.message ?? `The download failed (HTTP ${res.status}).`);
        return;
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "truststore.p12";
      saveBlob(await res.blob(), name);
      setDone(`Saved ${name}.`);
    } catch {
      setError("The server could not be reached. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-2" aria-label="PKCS#12 truststore">
      <Field
        label="Truststore password"
        name="truststorePassword"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={error ?? undefined}
        hint="8–128 printable ASCII characters (Java keytool refuses others)."
      />
      {done ? (
        <p role="status" className="text-sm text-green-700">
          {done}
        </p>
      ) : null}
      <div>
        <SubmitButton pending={pending}>Download truststore (.p12)</SubmitButton>
      </div>
    </form>
  );
}
