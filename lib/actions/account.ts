"use server";

import { revalidatePath } from "next/cache";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { requireActionActor } from "@/lib/auth/web-actor";
import { confirmTotpEnrollment, startTotpEnrollment } from "@/lib/services/auth/mfa-enrollment";
import { finishPasskeyRegistration, removePasskey, startPasskeyRegistration, startPasskeyStepUp, verifyStepUp } from "@/lib/services/auth/passkeys";
import { type FormState, formError, formText } from "@/lib/actions/form-state";

// The signed-in user's own second factor. A session that owes one may call only these (lib/auth/actor.ts).

export async function startTotpEnrollmentAction(): Promise<FormState & { uri?: string }> {
  try {
    const actor = await requireActionActor();
    const r = await startTotpEnrollment(actor);
    return { ok: true, message: "Add this secret to your authenticator app, then enter the code it shows.", secret: r.secret, uri: r.uri };
  } catch (e) {
    return formError(e, "startTotpEnrollmentAction");
  }
}

export async function confirmTotpEnrollmentAction(_prev: FormState, form: FormData): Promise<FormState & { recoveryCodes?: string[] }> {
  try {
    const actor = await requireActionActor();
    const r = await confirmTotpEnrollment(actor, { code: formText(form, "code") ?? "" });
    // No revalidatePath: re-rendering the page now would replace the recovery codes, shown once, with the status.
    return { ok: true, message: "Two-factor sign-in is on. Keep these recovery codes somewhere safe: each works once.", recoveryCodes: r.recoveryCodes };
  } catch (e) {
    return formError(e, "confirmTotpEnrollmentAction", form);
  }
}

// Passkeys: the browser asks for options (the challenge stays on the server, bound to this session),
// runs the WebAuthn ceremony (@simplewebauthn/browser) and sends the answer back as JSON.

export async function startPasskeyRegistrationAction(): Promise<FormState & { options?: PublicKeyCredentialCreationOptionsJSON }> {
  try {
    const actor = await requireActionActor();
    return { ok: true, options: await startPasskeyRegistration(actor) };
  } catch (e) {
    return formError(e, "startPasskeyRegistrationAction");
  }
}

export async function finishPasskeyRegistrationAction(input: { response: string; name: string }): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const key = await finishPasskeyRegistration(actor, { response: String(input?.response ?? ""), name: String(input?.name ?? "") });
    revalidatePath("/account/mfa");
    return { ok: true, message: `Passkey "${key.name}" added.` };
  } catch (e) {
    return formError(e, "finishPasskeyRegistrationAction");
  }
}

export async function removePasskeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await removePasskey(actor, { id: formText(form, "id") ?? "" });
    revalidatePath("/account/mfa");
    return { ok: true, message: `Passkey "${r.name}" removed.` };
  } catch (e) {
    return formError(e, "removePasskeyAction", form);
  }
}

export async function startPasskeyStepUpAction(): Promise<FormState & { options?: PublicKeyCredentialRequestOptionsJSON }> {
  try {
    const actor = await requireActionActor();
    return { ok: true, options: await startPasskeyStepUp(actor) };
  } catch (e) {
    return formError(e, "startPasskeyStepUpAction");
  }
}

/** Verify again (step-up) with a code (form field "code") or a passkey answer (field "passkey", JSON). */
export async function verifyStepUpAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const code = formText(form, "code")?.trim() || undefined;
    const passkey = formText(form, "passkey") || undefined;
    await verifyStepUp(actor, { code, passkey });
    revalidatePath("/account/mfa");
    return { ok: true, message: "Verified. Sensitive actions are open to you for the next few minutes." };
  } catch (e) {
    return formError(e, "verifyStepUpAction", form);
  }
}
