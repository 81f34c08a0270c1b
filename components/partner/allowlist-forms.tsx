"use client";

import { useActionState, useState } from "react";
import { type PartnerFormState, requestAllowlistRemovalAction, submitAllowlistRequestAction } from "@/lib/actions/partner";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { TextAreaField } from "@/components/ui/textarea";
import { Badge } from "@/components/ui/badge";
import { REQUEST_LIMITS } from "@/lib/net/cidr";

const initial: PartnerFormState = { ok: false };

/** Ask for source IPs in one environment; each refused entry is shown with its own message. */
export function AllowlistRequestForm({ environment, production }: { environment: string; production: boolean }) {
  const [state, action, pending] = useActionState(submitAllowlistRequestAction, initial);
  const failed = !state.ok && state.entries?.some((e) => e.errors.length);
  return (
    <form action={action} className="grid gap-3" aria-label={`Request ${environment} allowlist entries`}>
      <input type="hidden" name="environment" value={environment} />
      <TextAreaField
        label="IP addresses or CIDR ranges"
        name="entries"
        rows={4}
        maxLength={REQUEST_LIMITS.text}
        className="font-mono"
        placeholder={"One per line: your public egress address or range\ne.g. a.b.c.d  or  a.b.c.0/28  or  2a00:x:x::/48"}
        defaultValue={state.ok ? "" : state.values?.entries}
        error={failed ? "Fix the entries marked below; nothing was submitted." : state.fields?.entries}
        hint={`One per line (or comma-separated). IPv4 ranges up to /24, IPv6 up to /48.${production ? " Production: private, loopback, CGNAT, documentation and other reserved ranges are refused." : ""}`}
      />
      {state.entries?.length && !state.ok ? (
        <ul className="grid gap-1 rounded border border-slate-200 p-2 text-sm" aria-label="Entry results">
          {state.entries.map((e, i) => (
            <li key={i} data-entry={e.input} data-result={e.errors.length ? "fail" : e.warnings.length ? "warn" : "pass"} className="flex flex-wrap items-start gap-2">
              <code className="text-xs">{e.input}</code>
              {e.errors.length ? <Badge tone="bad">error</Badge> : e.warnings.length ? <Badge tone="warn">warning</Badge> : <Badge tone="good">ok</Badge>}
              <span className={e.errors.length ? "text-red-700" : "text-amber-800"}>{[...e.errors, ...e.warnings].map((x) => x.message).join(" ")}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <Field label="Note for the officers" name="note" maxLength={REQUEST_LIMITS.note} defaultValue={state.ok ? "" : state.values?.note} error={state.fields?.note} placeholder="e.g. payment gateway egress, Oslo DC" />
      <FormMessage state={state} />
      <div>
        <SubmitButton pending={pending}>Request entries for {environment}</SubmitButton>
      </div>
    </form>
  );
}

/** "Request removal" for one approved entry, confirmed in a second step (it cuts traffic once approved). */
export function RequestRemovalButton({ environment, entryId, cidr }: { environment: string; entryId: string; cidr: string }) {
  const [state, action, pending] = useActionState(requestAllowlistRemovalAction, initial);
  const [confirming, setConfirming] = useState(false);
  if (state.ok) return <span role="status" className="text-xs text-green-700">{state.message}</span>;
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} className="text-xs text-red-700 underline" aria-label={`Request removal of ${cidr}`}>
        Request removal
      </button>
    );
  }
  return (
    <form action={action} className="inline-flex flex-wrap items-center gap-2" aria-label={`Confirm removal of ${cidr}`}>
      <input type="hidden" name="environment" value={environment} />
      <input type="hidden" name="entryId" value={entryId} />
      <span className="text-xs text-slate-700">
        Remove {cidr} from {environment}? Once officers approve, calls from it are refused.
      </span>
      <button type="submit" disabled={pending} className="rounded bg-red-700 px-2 py-0.5 text-xs font-medium text-white disabled:opacity-50">
        {pending ? "Working…" : "Yes, request removal"}
      </button>
      <button type="button" onClick={() => setConfirming(false)} className="text-xs text-slate-600 underline">
        Cancel
      </button>
      {state.message ? (
        <span role="alert" className="text-xs text-red-700">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
