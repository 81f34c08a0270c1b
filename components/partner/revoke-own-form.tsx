"use client";

import { useActionState } from "react";
import { type PartnerFormState, revokeOwnCertificateAction } from "@/lib/actions/partner";
import { FormMessage, SelectField } from "@/components/ui/form";
import { TextAreaField } from "@/components/ui/textarea";

const initial: PartnerFormState = { ok: false };

// RFC 5280 §5.3.1 CRLReason, the four a partner may give, in words.
const REASON_LABELS: Record<string, string> = {
  keyCompromise: "Key compromise: the private key was exposed or lost",
  superseded: "Superseded: replaced by a new certificate",
  cessationOfOperation: "Cessation of operation: no longer needed",
  affiliationChanged: "Affiliation changed: our name or relationship changed",
};

/** Revoke your own certificate with a reason, after an explicit confirmation (revocation is final). */
export function RevokeOwnForm({ id, serial, revoked, reasons }: { id: string; serial: string; revoked: boolean; reasons: string[] }) {
  const [state, action, pending] = useActionState(revokeOwnCertificateAction, initial);
  if (revoked) {
    return (
      <div className="grid gap-2">
        <FormMessage state={state} />
        <p className="text-sm text-slate-700">This certificate is revoked and listed on its CA&apos;s CRL.</p>
      </div>
    );
  }
  return (
    <form action={action} className="grid gap-3" aria-label="Revoke certificate">
      <input type="hidden" name="id" value={id} />
      <SelectField
        label="Reason"
        name="reason"
        defaultValue={state.values?.reason ?? "superseded"}
        error={state.fields?.reason}
        options={reasons.map((r) => ({ value: r, label: REASON_LABELS[r] ?? r }))}
      />
      <TextAreaField label="Comment for the audit trail (optional)" name="comment" rows={2} maxLength={1000} defaultValue={state.values?.comment} />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="confirm" value="yes" className="mt-1" aria-invalid={state.fields?.confirm ? true : undefined} />
        <span>
          I confirm revoking certificate <code className="break-all text-xs">{serial}</code>. It stops working at once and this cannot be undone.
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
