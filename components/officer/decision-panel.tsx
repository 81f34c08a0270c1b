"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/form-state";
import {
  approveAllowlistRequestAction,
  approveCertificateRequestAction,
  rejectAllowlistRequestAction,
  rejectCertificateRequestAction,
} from "@/lib/actions/officer";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { TextAreaField } from "@/components/ui/textarea";

const initial: FormState = { ok: false };

export type DecisionPanelProps = {
  kind: "certificate" | "allowlist";
  id: string;
  status: string;
  approvals: { officer: string; email?: string; comment?: string | null; at: string }[];
  approvalsRequired: number;
  /** The signed-in officer approved already. */
  approvedByMe: boolean;
  /** The signed-in officer submitted the request. */
  submittedByMe: boolean;
  rejectionReason: string | null;
};

/**
 * Approve (optional comment) or reject (reason required) one request. The server
 * enforces dual control; this panel only explains it. Both forms stay mounted
 * after a decision so their result message stays on screen.
 */
export function DecisionPanel(p: DecisionPanelProps) {
  const approveAction = p.kind === "certificate" ? approveCertificateRequestAction : approveAllowlistRequestAction;
  const rejectAction = p.kind === "certificate" ? rejectCertificateRequestAction : rejectAllowlistRequestAction;
  const [approved, approve, approving] = useActionState(approveAction, initial);
  const [rejected, reject, rejecting] = useActionState(rejectAction, initial);
  const pending = p.status === "pending";
  const blocked = p.approvedByMe || p.submittedByMe;
  return (
    <div className="grid gap-4" data-testid={`decision-${p.id}`}>
      <div>
        <p className="text-sm font-medium" data-testid="approval-count">
          Approvals: {p.approvals.length} of {p.approvalsRequired}
        </p>
        {p.approvals.length ? (
          <ul className="mt-1 grid gap-1 text-sm text-slate-700" aria-label="Approvals so far">
            {p.approvals.map((a) => (
              <li key={`${a.officer}-${a.at}`}>
                ✓ {a.officer} <span className="text-slate-500">({a.email}, {a.at})</span>
                {a.comment ? <span className="block pl-4 text-slate-600">“{a.comment}”</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500">No approvals yet.</p>
        )}
      </div>
      <FormMessage state={approved} />
      <FormMessage state={rejected} />
      {!pending ? (
        <p className="text-sm text-slate-700" data-testid="decided">
          This request is <strong>{p.status}</strong>
          {p.rejectionReason ? `: “${p.rejectionReason}”` : "."} Nothing more to decide.
        </p>
      ) : (
        <>
          {p.approvedByMe ? (
            <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="already-approved">
              You have already approved this request. A different officer must give the next approval.
            </p>
          ) : null}
          {p.submittedByMe ? (
            <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">You submitted this request; another officer must review it.</p>
          ) : null}
          {blocked ? null : (
            <>
              <form action={approve} className="grid gap-2" aria-label="Approve">
                <input type="hidden" name="id" value={p.id} />
                <TextAreaField label="Comment (optional; officers only)" name="comment" rows={2} maxLength={1000} defaultValue={approved.ok ? "" : approved.values?.comment} />
                <div>
                  <SubmitButton pending={approving}>Approve</SubmitButton>
                </div>
              </form>
              <form action={reject} className="grid gap-2" aria-label="Reject">
                <input type="hidden" name="id" value={p.id} />
                <TextAreaField
                  label="Reason for rejection"
                  name="reason"
                  rows={2}
                  maxLength={1000}
                  hint="Required. The partner sees it."
                  error={rejected.fields?.reason}
                  defaultValue={rejected.ok ? "" : rejected.values?.reason}
                />
                <div>
                  <button
                    type="submit"
                    disabled={rejecting}
                    className="rounded border border-red-700 px-4 py-2 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-50"
                  >
                    {rejecting ? "Working…" : "Reject"}
                  </button>
                </div>
              </form>
            </>
          )}
        </>
      )}
    </div>
  );
}
