"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/form-state";
import { revokeCertificateAction } from "@/lib/actions/officer";
import { FormMessage, SelectField } from "@/components/ui/form";
import { TextAreaField } from "@/components/ui/textarea";

const initial: FormState = { ok: false };

// RFC 5280 §5.3.1 CRLReason, in words an officer can choose by.
const REASON_LABELS: Record<string, string> = {
  unspecified: "Unspecified",
  keyCompromise: "Key compromise: the private key was exposed",
  cACompromise: "CA compromise",
  affiliationChanged: "Affiliation changed: the partner's name or relationship changed",
  superseded: "Superseded: replaced by a new certificate",
  cessationOfOperation: "Cessation of operation: no longer needed",
  privilegeWithdrawn: "Privilege withdrawn: the partner may no longer connect",
  aACompromise: "AA compromise",
};

/** Revoke with an RFC 5280 reason, after an explicit confirmation (revocation is final). */
export function RevokeForm({ id, serial, revoked, reasons }: { id: string; serial: string; revoked: boolean; reasons: string[] }) {
  const [state, action, pending] = useActionState(revokeCertificateAction, initial);
  if (revoked) {
    return (
      <div className="grid gap-2">
        <FormMessage state={state} />
        <p className="text-sm text-slate-700">This certificate is revoked and on its CA&apos;s CRL.</p>
      </div>
    );
  }
  return (
    <form action={action} className="grid gap-3" aria-label="Revoke certificate">
      <input type="hidden" name="id" value={id} />
      <SelectField
        label="Reason"
        name="reason"
        defaultValue={state.values?.reason ?? "keyCompromise"}
        error={state.fields?.reason}
        options={reasons.map((r) => ({ value: r, label: REASON_LABELS[r] ?? r }))}
      />
      <TextAreaField label="Comment for the audit trail (optional)" name="comment" rows={2} maxLength={1000} defaultValue={state.values?.comment} />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="confirm" value="yes" className="mt-1" aria-invalid={state.fields?.confirm ? true : undefined} />
        <span>
          I confirm revoking certificate <code className="break-all text-xs">{serial}</code>. This is effective at once and cannot be undone.
        </span>
      </label>
      {state.fields?.confirm ? (
        <p className="text-xs text-red-700" role="alert">
          {state.fields.confirm}
        </p>
      ) : null}
      <FormMessage state={state} />
      <div>
        <button type="submit" disabled={pending} className="rounded bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50">
          {pending ? "Working…" : "Revoke certificate"}
        </button>
      </div>
    </form>
  );
}
