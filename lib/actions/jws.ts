"use server";

import { revalidatePath } from "next/cache";
import { requireActionActor } from "@/lib/auth/web-actor";
import { type FormState, formError, formText } from "@/lib/actions/form-state";
import { uploadJwsKey } from "@/lib/services/jws-keys/upload-jws-key";
import { endorseJwsKey, rejectJwsKey } from "@/lib/services/jws-keys/decide-jws-key";
import { retireJwsKey } from "@/lib/services/jws-keys/retire-jws-key";
import { verifyJwsSignature } from "@/lib/services/jws-keys/verify-jws";
import { createProviderJwsKey } from "@/lib/services/provider-jws-keys/create-provider-jws-key";
import { retireProviderJwsKey } from "@/lib/services/provider-jws-keys/retire-provider-jws-key";

// JWS signing keys (issue 18): the services authorize, validate, enforce dual control and audit.

export type VerifyFormState = FormState & { result?: Awaited<ReturnType<typeof verifyJwsSignature>> };

const revalidateJws = () => {
  for (const p of ["/partner/jws", "/officer/jws", "/admin/jws", "/partner/exchange", "/officer/exchange"]) revalidatePath(p);
};

export async function uploadJwsKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await uploadJwsKey(actor, { environment: formText(form, "environment") ?? "", key: formText(form, "key") ?? "", alg: formText(form, "alg") || undefined });
    revalidateJws();
    return { ok: true, message: `Uploaded ${r.key} for ${r.alg}, kid ${r.kid}. Officers endorse it next.` };
  } catch (e) {
    // The pasted key is not echoed back: it may be a private key.
    return { ...formError(e, "uploadJwsKeyAction", form), values: { alg: formText(form, "alg") ?? "" } };
  }
}

export async function endorseJwsKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await endorseJwsKey(actor, formText(form, "id") ?? "", { comment: formText(form, "comment") ?? "" });
    revalidateJws();
    return { ok: true, message: r.status === "endorsed" ? "Endorsed: the key is active and in the JWKS." : `Endorsed: ${r.approvals.length} of ${r.approvalsRequired}. Another officer must endorse it.` };
  } catch (e) {
    return formError(e, "endorseJwsKeyAction", form);
  }
}

export async function rejectJwsKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    await rejectJwsKey(actor, formText(form, "id") ?? "", { reason: formText(form, "reason") ?? "" });
    revalidateJws();
    return { ok: true, message: "Rejected. The partner sees your reason." };
  } catch (e) {
    return formError(e, "rejectJwsKeyAction", form);
  }
}

export async function retireJwsKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await retireJwsKey(actor, formText(form, "id") ?? "", { retireAt: formText(form, "retireAt") ?? "" });
    revalidateJws();
    return { ok: true, message: r.state === "retired" ? "Retired: the key no longer verifies." : `The key retires at ${r.retireAt?.toISOString()}.` };
  } catch (e) {
    return formError(e, "retireJwsKeyAction", form);
  }
}

export async function verifyJwsAction(_prev: VerifyFormState, form: FormData): Promise<VerifyFormState> {
  try {
    const actor = await requireActionActor();
    const result = await verifyJwsSignature(actor, {
      environment: formText(form, "environment") ?? "",
      organisation: formText(form, "organisation") || undefined,
      request: formText(form, "request") || undefined,
      jws: formText(form, "jws") || undefined,
      body: formText(form, "body") || undefined,
    });
    return { ok: result.verified, message: result.verified ? `Verified: ${result.message}` : `Not verified (${result.reason}${result.header ? `: ${result.header}` : ""}): ${result.message}`, result, values: Object.fromEntries(["request", "jws", "body", "organisation"].map((k) => [k, formText(form, k) ?? ""])) };
  } catch (e) {
    return formError(e, "verifyJwsAction", form);
  }
}

export async function createProviderJwsKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const key = formText(form, "key")?.trim();
    const r = await createProviderJwsKey(actor, { environment: formText(form, "environment") ?? "", alg: formText(form, "alg") || undefined, ...(key ? { key } : { generate: true }) });
    revalidateJws();
    return { ok: true, message: `${r.source === "generated" ? "Generated" : "Uploaded"} ${r.key} for ${r.alg}, kid ${r.kid}; published in the provider JWKS.` };
  } catch (e) {
    return { ...formError(e, "createProviderJwsKeyAction", form), values: { alg: formText(form, "alg") ?? "" } };
  }
}

export async function retireProviderJwsKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await retireProviderJwsKey(actor, formText(form, "id") ?? "", { retireAt: formText(form, "retireAt") ?? "" });
    revalidateJws();
    return { ok: true, message: r.state === "retired" ? "Retired: the key left the provider JWKS." : `The key retires at ${r.retireAt?.toISOString()}.` };
  } catch (e) {
    return formError(e, "retireProviderJwsKeyAction", form);
  }
}
