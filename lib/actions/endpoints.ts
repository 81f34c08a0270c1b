"use server";

import { revalidatePath } from "next/cache";
import { requireActionActor } from "@/lib/auth/web-actor";
import { type FormState, formError, formText } from "@/lib/actions/form-state";
import { registerEndpoint, removeEndpoint } from "@/lib/services/endpoints/register-endpoint";
import { confirmEndpoint, rejectEndpoint } from "@/lib/services/endpoints/decide-endpoint";
import { probeEndpoint } from "@/lib/services/endpoints/run-probe";

// The endpoint registry and readiness probe (issue 18, items 5–6): the services authorize, validate and enforce dual control.

export async function registerEndpointAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await registerEndpoint(actor, { environment: formText(form, "environment") ?? "", kind: formText(form, "kind") ?? "", value: formText(form, "value") ?? "", note: formText(form, "note") ?? "" });
    revalidatePath("/partner/exchange");
    return { ok: true, message: `Registered ${r.value}${r.findings.length ? ` (${r.findings.map((f) => f.message).join(" ")})` : ""}. Officers confirm it next.` };
  } catch (e) {
    return formError(e, "registerEndpointAction", form);
  }
}

export async function removeEndpointAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await removeEndpoint(actor, formText(form, "id") ?? "");
    revalidatePath("/partner/exchange");
    return { ok: true, message: `Removed ${r.value}.` };
  } catch (e) {
    return formError(e, "removeEndpointAction", form);
  }
}

export async function confirmEndpointAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await confirmEndpoint(actor, formText(form, "id") ?? "", { comment: formText(form, "comment") ?? "" });
    revalidatePath("/officer/exchange");
    return { ok: true, message: r.status === "confirmed" ? `Confirmed ${r.value}.` : `Confirmed: ${r.approvals.length} of ${r.approvalsRequired}. Another officer must confirm it.` };
  } catch (e) {
    return formError(e, "confirmEndpointAction", form);
  }
}

export async function rejectEndpointAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    await rejectEndpoint(actor, formText(form, "id") ?? "", { reason: formText(form, "reason") ?? "" });
    revalidatePath("/officer/exchange");
    return { ok: true, message: "Rejected. The partner sees your reason." };
  } catch (e) {
    return formError(e, "rejectEndpointAction", form);
  }
}

export async function probeEndpointAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await probeEndpoint(actor, formText(form, "id") ?? "");
    revalidatePath("/partner/exchange");
    revalidatePath("/officer/exchange");
    return { ok: r.outcome === "ok", message: `${r.outcome}${r.httpStatus ? ` ${r.httpStatus}` : ""}: ${r.message}` };
  } catch (e) {
    return formError(e, "probeEndpointAction", form);
  }
}
