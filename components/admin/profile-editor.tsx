"use client";

import { useActionState, useMemo, useState } from "react";
import type { FormState } from "@/lib/actions/form-state";
import { createProfileAction, updateProfileAction } from "@/lib/actions/profiles";
import { type Profile, validateProfileForSave } from "@/lib/policy/profile";
import { jsonSyntaxError } from "@/lib/json-syntax";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { ProfileSummary } from "@/components/admin/profile-summary";

const initial: FormState = { ok: false };

/** Browsers submit textarea newlines as CRLF; compare the text as the user sees it. */
const sameText = (a: string | undefined, b: string) => a !== undefined && a.replace(/\r\n/g, "\n") === b.replace(/\r\n/g, "\n");

type Live = { kind: "syntax"; message: string } | { kind: "invalid"; errors: { field: string; message: string }[] } | { kind: "ok"; profile: Profile };

/** The same validation as the server (lib/policy is pure), run as the admin types. */
function check(text: string): Live {
  const syntax = jsonSyntaxError(text);
  if (syntax) return { kind: "syntax", message: syntax };
  const v = validateProfileForSave(JSON.parse(text));
  return v.ok ? { kind: "ok", profile: v.profile } : { kind: "invalid", errors: v.errors };
}

/**
 * A profile as JSON (the certificate-core shape) with field-level errors and a
 * readable summary. The server validates again and records the change in the audit trail.
 */
export function ProfileEditor({
  mode,
  code,
  initialJson,
  expectedUpdatedAt,
}: {
  mode: "create" | "edit";
  code?: string;
  initialJson: string;
  expectedUpdatedAt?: string;
}) {
  const [state, action, pending] = useActionState(mode === "create" ? createProfileAction : updateProfileAction, initial);
  const [text, setText] = useState(initialJson);
  const live = useMemo((): Live => {
    const l = check(text);
    // The code names the profile in requests and certificates: an edit cannot change it.
    if (l.kind === "ok" && mode === "edit" && code && l.profile.code !== code) {
      return { kind: "invalid", errors: [{ field: "code", message: `Keep "${code}"; create a new profile for a new code.` }] };
    }
    return l;
  }, [text, mode, code]);
  // Field errors from the server (after submit) win over the live ones while the text is unchanged.
  const serverFields = state.ok ? undefined : state.fields;
  const serverErrors = serverFields ? Object.entries(serverFields).map(([field, message]) => ({ field, message })) : [];
  const fieldErrors = serverErrors.length && sameText(state.values?.definition, text) ? serverErrors : live.kind === "invalid" ? live.errors : [];
  return (
    <form action={action} className="grid gap-4 lg:grid-cols-2" aria-label={mode === "create" ? "Create profile" : "Edit profile"}>
      {mode === "edit" ? (
        <>
          <input type="hidden" name="code" value={code} />
          <input type="hidden" name="expectedUpdatedAt" value={expectedUpdatedAt ?? ""} />
        </>
      ) : null}
      <div className="grid content-start gap-2">
        <label htmlFor={`profile-json-${mode}`} className="text-sm font-medium text-slate-700">
          Profile definition (JSON)
        </label>
        <textarea
          id={`profile-json-${mode}`}
          name="definition"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={24}
          spellCheck={false}
          aria-invalid={live.kind !== "ok" ? true : undefined}
          aria-describedby={`profile-errors-${mode}`}
          className={`rounded border px-3 py-2 font-mono text-xs ${live.kind === "ok" ? "border-slate-300" : "border-red-500"}`}
        />
        <div id={`profile-errors-${mode}`} aria-live="polite">
          {live.kind === "syntax" ? (
            <p className="text-xs text-red-700" role="alert">
              {live.message}
            </p>
          ) : null}
          {fieldErrors.length ? (
            <ul className="grid gap-1 text-xs text-red-700" aria-label="Field errors" data-testid="profile-field-errors">
              {fieldErrors.map((e) => (
                <li key={`${e.field}:${e.message}`}>
                  <code className="font-semibold">{e.field}</code>: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
          {live.kind === "ok" && !fieldErrors.length ? <p className="text-xs text-green-700">Valid profile.</p> : null}
        </div>
        <FormMessage state={state} />
        <div>
          <SubmitButton pending={pending}>{mode === "create" ? "Create profile" : "Save changes"}</SubmitButton>
        </div>
      </div>
      <div className="grid content-start gap-2">
        <h3 className="text-sm font-medium text-slate-700">Summary</h3>
        {live.kind === "ok" ? <ProfileSummary profile={live.profile} /> : <p className="text-sm text-slate-500">The summary appears when the definition is valid.</p>}
      </div>
    </form>
  );
}
