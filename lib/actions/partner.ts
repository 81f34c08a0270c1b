"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActionActor } from "@/lib/auth/web-actor";
import { AppError } from "@/lib/errors";
import type { Check } from "@/lib/policy/checks";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { splitEntries, submitAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { updateMyOrganisation } from "@/lib/services/organisations/get-my-organisation";
import { confirmCertificateRequest } from "@/lib/services/requests/confirm-request";
import { type FormState, formError, formText } from "@/lib/actions/form-state";
import { REQUEST_LIMITS } from "@/lib/net/cidr";

// Server actions are public endpoints: each one authenticates, and the service
// authorizes and scopes to the caller's organisation.

export type EntryResult = { input: string; cidr: string | null; errors: { code: string; message: string }[]; warnings: { code: string; message: string }[] };

/** Form state plus what a 422 carries beyond field errors: a CSR's checks, per-entry allowlist results. */
export type PartnerFormState = FormState & { checks?: Check[]; entries?: EntryResult[] };

function extraOf(e: unknown): Record<string, unknown> {
  return e instanceof AppError && e.extra ? e.extra : {};
}

/** Names typed one per line or separated by commas or spaces. */
function sanLines(text: string | null | undefined): string[] {
  return (text ?? "").split(/[\s,]+/).filter(Boolean);
}

function refresh() {
  revalidatePath("/partner", "layout");
}

/**
 * Submit a CSR. `csr` is PEM text or base64 DER (a dropped .der file is sent
 * base64-encoded), or a file part. Success goes to the request's page; a
 * refusal comes back with the server's checks and nothing is stored.
 */
export async function submitCertificateRequestAction(_prev: PartnerFormState, form: FormData): Promise<PartnerFormState> {
  let id: string;
  try {
    const actor = await requireActionActor();
    const raw = form.get("csr");
    const csr = raw instanceof Blob ? new Uint8Array(await raw.arrayBuffer()) : (raw ?? "");
    const r = await submitCertificateRequest(actor, {
      environment: formText(form, "environment") ?? "",
      profile: formText(form, "profile") || undefined,
      csr,
      renews: formText(form, "renews") || undefined,
      sans: { dns: sanLines(formText(form, "sanDns")), ip: sanLines(formText(form, "sanIp")) },
    });
    id = r.id;
  } catch (e) {
    // Never echo the CSR field back (it may be anything the user pasted).
    const state = formError(e, "submitCertificateRequestAction");
    const checks = extraOf(e).checks;
    return { ...state, ...(Array.isArray(checks) ? { checks: checks as Check[] } : {}) };
  }
  refresh();
  redirect(`/partner/requests/${id}?submitted=1`);
}

/** Ask for source IPs to be added to an environment's allowlist; per-entry errors come back inline. */
export async function submitAllowlistRequestAction(_prev: PartnerFormState, form: FormData): Promise<PartnerFormState> {
  try {
    const actor = await requireActionActor();
    const text = formText(form, "entries") ?? "";
    if (text.length > REQUEST_LIMITS.text) {
      const message = `At most ${REQUEST_LIMITS.text.toLocaleString("en-US")} characters (${REQUEST_LIMITS.entries} entries); this is ${text.length.toLocaleString("en-US")}.`;
      throw new AppError("too_large", message, { entries: message });
    }
    const r = await submitAllowlistRequest(actor, {
      environment: formText(form, "environment") ?? "",
      kind: "add",
      entries: splitEntries(text),
      note: formText(form, "note") ?? "",
    });
    refresh();
    const warnings = r.entries.filter((e) => e.warnings.length).length;
    return {
      ok: true,
      message: `Requested ${r.entries.length} ${r.entries.length === 1 ? "entry" : "entries"} for ${r.environment}: ${r.entries.map((e) => e.cidr).join(", ")}. Pending ${r.approvalsRequired} officer approval${r.approvalsRequired === 1 ? "" : "s"}.${warnings ? ` ${warnings} with warnings: see the request below.` : ""}`,
    };
  } catch (e) {
    const state = formError(e, "submitAllowlistRequestAction", form);
    const entries = extraOf(e).entries;
    return { ...state, ...(Array.isArray(entries) ? { entries: entries as EntryResult[] } : {}) };
  }
}

/** Ask for one approved entry to be removed (officers approve removals too). */
export async function requestAllowlistRemovalAction(_prev: PartnerFormState, form: FormData): Promise<PartnerFormState> {
  try {
    const actor = await requireActionActor();
    const r = await submitAllowlistRequest(actor, {
      environment: formText(form, "environment") ?? "",
      kind: "remove",
      entries: [formText(form, "entryId") ?? ""],
      note: formText(form, "note") ?? "",
    });
    refresh();
    return { ok: true, message: `Removal of ${r.entries.map((e) => e.cidr).join(", ")} requested; it stays on the allowlist until an officer approves.` };
  } catch (e) {
    return formError(e, "requestAllowlistRemovalAction", form);
  }
}

/** A partner revokes its own certificate; effective at once (the service reissues the CRL). */
export async function revokeOwnCertificateAction(_prev: PartnerFormState, form: FormData): Promise<PartnerFormState> {
  try {
    const actor = await requireActionActor();
    if (form.get("confirm") !== "yes") {
      throw new AppError("validation_failed", "Confirm the revocation: it is final.", { confirm: "Tick to confirm: revocation cannot be undone." });
    }
    const c = await revokeCertificate(actor, formText(form, "id") ?? "", { reason: formText(form, "reason") ?? "", comment: formText(form, "comment") || undefined });
    refresh();
    return { ok: true, message: `Revoked (${c.revocationReason}). The ${c.environment} CRL has been reissued; connections with this certificate are refused from now on.` };
  } catch (e) {
    return formError(e, "revokeOwnCertificateAction", form);
  }
}

/** The organisation's certificate-management group email (audited by the service). */
export async function updateGroupEmailAction(_prev: PartnerFormState, form: FormData): Promise<PartnerFormState> {
  try {
    const actor = await requireActionActor();
    const org = await updateMyOrganisation(actor, { groupEmail: formText(form, "groupEmail") ?? "" });
    refresh();
    return { ok: true, message: `Saved. Certificate notices now go to ${org.groupEmail}.`, values: { groupEmail: org.groupEmail } };
  } catch (e) {
    return formError(e, "updateGroupEmailAction", form);
  }
}

/** A second partner security officer confirms a request that waits for it; then it reaches the provider's officers. */
export async function confirmCertificateRequestAction(_prev: PartnerFormState, form: FormData): Promise<PartnerFormState> {
  try {
    const actor = await requireActionActor();
    await confirmCertificateRequest(actor, formText(form, "id") ?? "", { comment: formText(form, "comment") || undefined });
    refresh();
    return { ok: true, message: "Confirmed. The request now waits for the provider's security officers." };
  } catch (e) {
    return formError(e, "confirmCertificateRequestAction", form);
  }
}
