"use server";

import { revalidatePath } from "next/cache";
import { requireActionActor } from "@/lib/auth/web-actor";
import { type FormState, formError, formText } from "@/lib/actions/form-state";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { endorseServerChain, rejectServerChain } from "@/lib/services/server-chains/decide-server-chain";

// The two-way exchange (issue 17): the services authorize, validate and enforce dual control.

export async function uploadServerChainAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await uploadServerChain(actor, {
      environment: formText(form, "environment") ?? "",
      chain: formText(form, "chain") ?? "",
      server: formText(form, "server") || undefined,
      endpoint: formText(form, "endpoint") || undefined,
    });
    revalidatePath("/partner/exchange");
    return { ok: true, message: `Uploaded and checked (${r.findings.filter((f) => f.result === "warn").length} warnings). Officers endorse it next.` };
  } catch (e) {
    return formError(e, "uploadServerChainAction", form);
  }
}

export async function endorseServerChainAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await endorseServerChain(actor, formText(form, "id") ?? "", { comment: formText(form, "comment") ?? "" });
    revalidatePath("/officer/exchange");
    return { ok: true, message: r.status === "endorsed" ? "Endorsed: the chain is active for the egress gateway." : `Endorsed: ${r.approvals.length} of ${r.approvalsRequired}. Another officer must endorse it.` };
  } catch (e) {
    return formError(e, "endorseServerChainAction", form);
  }
}

export async function rejectServerChainAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    await rejectServerChain(actor, formText(form, "id") ?? "", { reason: formText(form, "reason") ?? "" });
    revalidatePath("/officer/exchange");
    return { ok: true, message: "Rejected. The partner sees your reason." };
  } catch (e) {
    return formError(e, "rejectServerChainAction", form);
  }
}
