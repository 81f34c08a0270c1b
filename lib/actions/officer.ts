"use server";

import { revalidatePath } from "next/cache";
import { requireActionActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import { approveCertificateRequest, rejectCertificateRequest } from "@/lib/services/requests/decide-request";
import { approveAllowlistRequest, rejectAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { type FormState, formError, formText } from "@/lib/actions/form-state";

// Server actions are public endpoints: each one authenticates, and the service authorizes
// (dual control, "not your own request", "not twice" are all enforced there).

function refresh() {
  // The navigation counts live in the officer layout: refresh the whole area.
  revalidatePath("/officer", "layout");
}

function approvalMessage(r: { status: string; approvals: unknown[]; approvalsRequired: number }, what: string, done: string): string {
  if (r.status === "pending") {
    const missing = r.approvalsRequired - r.approvals.length;
    return `Approved: ${r.approvals.length} of ${r.approvalsRequired} approvals. ${missing === 1 ? "One more officer" : `${missing} more officers`} must approve before ${what}.`;
  }
  return `Approved: ${r.approvals.length} of ${r.approvalsRequired} approvals. ${done}`;
}

export async function approveCertificateRequestAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await approveCertificateRequest(actor, formText(form, "id") ?? "", { comment: formText(form, "comment") ?? "" });
    refresh();
    return { ok: true, message: approvalMessage(r, "the certificate is issued", "The certificate has been issued.") };
  } catch (e) {
    return formError(e, "approveCertificateRequestAction", form);
  }
}

export async function rejectCertificateRequestAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    await rejectCertificateRequest(actor, formText(form, "id") ?? "", { reason: formText(form, "reason") ?? "" });
    refresh();
    return { ok: true, message: "Rejected. The partner sees your reason." };
  } catch (e) {
    return formError(e, "rejectCertificateRequestAction", form);
  }
}

export async function approveAllowlistRequestAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await approveAllowlistRequest(actor, formText(form, "id") ?? "", { comment: formText(form, "comment") ?? "" });
    refresh();
    const done = r.kind === "add" ? `The entries are on the ${r.environment} allowlist.` : `The entries are off the ${r.environment} allowlist.`;
    return { ok: true, message: approvalMessage(r, "the allowlist changes", done) };
  } catch (e) {
    return formError(e, "approveAllowlistRequestAction", form);
  }
}

export async function rejectAllowlistRequestAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    await rejectAllowlistRequest(actor, formText(form, "id") ?? "", { reason: formText(form, "reason") ?? "" });
    refresh();
    return { ok: true, message: "Rejected. The partner sees your reason." };
  } catch (e) {
    return formError(e, "rejectAllowlistRequestAction", form);
  }
}

export async function revokeCertificateAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    if (form.get("confirm") !== "yes") {
      throw new AppError("validation_failed", "Confirm the revocation: it is final.", { confirm: "Tick to confirm: revocation cannot be undone." });
    }
    const c = await revokeCertificate(actor, formText(form, "id") ?? "", { reason: formText(form, "reason") ?? "", comment: formText(form, "comment") || undefined });
    refresh();
    return { ok: true, message: `Revoked (${c.revocationReason}). The ${c.environment} CRL has been reissued.` };
  } catch (e) {
    return formError(e, "revokeCertificateAction", form);
  }
}
