"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActionActor } from "@/lib/auth/web-actor";
import { createProfile, parseProfileJson, updateProfile } from "@/lib/services/profiles/manage-profiles";
import { type FormState, formError, formText } from "@/lib/actions/form-state";

export async function createProfileAction(_prev: FormState, form: FormData): Promise<FormState> {
  let code: string;
  try {
    const actor = await requireActionActor();
    const { profile } = await createProfile(actor, parseProfileJson(formText(form, "definition") ?? ""));
    code = profile.code;
    revalidatePath("/admin/profiles");
  } catch (e) {
    return formError(e, "createProfileAction", form);
  }
  // Outside the try: redirect() works by throwing.
  redirect(`/admin/profiles/${encodeURIComponent(code)}?created=1`);
}

export async function updateProfileAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const code = formText(form, "code") ?? "";
    const { changed } = await updateProfile(actor, code, parseProfileJson(formText(form, "definition") ?? ""), {
      expectedUpdatedAt: formText(form, "expectedUpdatedAt") ?? null,
    });
    revalidatePath("/admin/profiles", "layout");
    return { ok: true, message: changed ? `Saved profile ${code}. The change is in the audit trail.` : "No changes to save.", values: { definition: formText(form, "definition") ?? "" } };
  } catch (e) {
    return formError(e, "updateProfileAction", form);
  }
}
