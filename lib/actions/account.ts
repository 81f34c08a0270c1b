"use server";

import { requireActionActor } from "@/lib/auth/web-actor";
import { confirmTotpEnrollment, startTotpEnrollment } from "@/lib/services/auth/mfa-enrollment";
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
