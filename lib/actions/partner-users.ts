"use server";

import { revalidatePath } from "next/cache";
import { requireActionActor } from "@/lib/auth/web-actor";
import { type FormState, formError, formText } from "@/lib/actions/form-state";
import { inviteOrgUser } from "@/lib/services/org-users/invite-org-user";
import { changeOrgUserRole } from "@/lib/services/org-users/change-org-user-role";
import { disableOrgUser, enableOrgUser } from "@/lib/services/org-users/set-org-user-disabled";
import { createOrgToken } from "@/lib/services/tokens/create-org-token";
import { revokeOrgToken } from "@/lib/services/tokens/revoke-org-token";

// A partner admin's own organisation: users, invitations, API tokens. The services confine every
// call to the caller's organisation; these only parse the form and refresh the pages.

export async function inviteOrgUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await inviteOrgUser(actor, { email: formText(form, "email") ?? "", name: formText(form, "name") || undefined, partnerRole: formText(form, "partnerRole") ?? "" });
    revalidatePath("/partner/users");
    return { ok: true, message: `Invited ${r.email} as ${r.partnerRole.replaceAll("_", " ")}. The link in the mail works once, until ${r.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC.` };
  } catch (e) {
    return formError(e, "inviteOrgUserAction", form);
  }
}

export async function changeOrgUserRoleAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await changeOrgUserRole(actor, { user: { id: formText(form, "id") ?? "" }, partnerRole: formText(form, "partnerRole") ?? "" });
    revalidatePath("/partner/users");
    if (!r.changed) return { ok: true, message: "Nothing to change." };
    return { ok: true, message: `${r.email} is now ${r.partnerRole.replaceAll("_", " ")}; ended ${r.sessionsEnded} session(s) and revoked ${r.tokensRevoked} API token(s).` };
  } catch (e) {
    return formError(e, "changeOrgUserRoleAction", form);
  }
}

export async function disableOrgUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await disableOrgUser(actor, { user: { id: formText(form, "id") ?? "" } });
    revalidatePath("/partner/users");
    return { ok: true, message: `Disabled ${r.email}; ended ${r.sessionsEnded} session(s).` };
  } catch (e) {
    return formError(e, "disableOrgUserAction", form);
  }
}

export async function enableOrgUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await enableOrgUser(actor, { user: { id: formText(form, "id") ?? "" } });
    revalidatePath("/partner/users");
    return { ok: true, message: `Enabled ${r.email}.` };
  } catch (e) {
    return formError(e, "enableOrgUserAction", form);
  }
}

export async function createOrgTokenAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const t = await createOrgToken(actor, {
      userEmail: formText(form, "userEmail") ?? "",
      name: formText(form, "name") || undefined,
      scopes: form.getAll("scopes").filter((v): v is string => typeof v === "string"),
      expiresAt: formText(form, "expiresAt"),
    });
    revalidatePath("/partner/tokens");
    return { ok: true, message: `Created token ${t.prefix}…. Copy it now: it is shown once.`, secret: t.token };
  } catch (e) {
    return formError(e, "createOrgTokenAction", form);
  }
}

export async function revokeOrgTokenAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await revokeOrgToken(actor, { id: formText(form, "id") ?? "" });
    revalidatePath("/partner/tokens");
    return { ok: true, message: `Revoked token ${r.prefix}….` };
  } catch (e) {
    return formError(e, "revokeOrgTokenAction", form);
  }
}
