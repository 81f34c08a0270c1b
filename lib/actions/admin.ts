"use server";

import { revalidatePath } from "next/cache";
import { requireActionActor } from "@/lib/auth/web-actor";
import { createOrganisation } from "@/lib/services/organisations/create-organisation";
import { createUser } from "@/lib/services/users/create-user";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { createToken } from "@/lib/services/tokens/create-token";
import { revokeToken } from "@/lib/services/tokens/revoke-token";
import { endSessionsOfUser } from "@/lib/services/users/end-sessions";
import { updateUser } from "@/lib/services/users/update-user";
import { resetSecondFactor } from "@/lib/services/auth/mfa-enrollment";
import { disableUser, enableUser } from "@/lib/services/users/set-user-disabled";
import { updateOrganisation } from "@/lib/services/organisations/update-organisation";
import { disableOrganisation, enableOrganisation } from "@/lib/services/organisations/set-organisation-disabled";
import { type FormState, formError, formText } from "@/lib/actions/form-state";

// Server actions are public endpoints: each one authenticates, and the service authorizes.

export async function createOrganisationAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const org = await createOrganisation(actor, {
      code: formText(form, "code") ?? "",
      legalName: formText(form, "legalName") ?? "",
      groupEmail: formText(form, "groupEmail") ?? "",
    });
    revalidatePath("/admin");
    return { ok: true, message: `Created organisation ${org.code}.` };
  } catch (e) {
    return formError(e, "createOrganisationAction", form);
  }
}

export async function createUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const { user, generatedPassword } = await createUser(actor, {
      email: formText(form, "email") ?? "",
      name: formText(form, "name") || undefined,
      role: (formText(form, "role") ?? "") as "partner",
      orgCode: formText(form, "orgCode") || undefined,
      password: formText(form, "password") || undefined,
      partnerRole: (formText(form, "partnerRole") || undefined) as "viewer" | undefined,
    });
    revalidatePath("/admin");
    return {
      ok: true,
      message: `Created ${user.role} ${user.email}.${generatedPassword ? " Their password is shown once below." : ""}`,
      secret: generatedPassword ?? undefined,
    };
  } catch (e) {
    return formError(e, "createUserAction", form);
  }
}

export async function createEnvironmentAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const env = await createEnvironment(actor, {
      code: formText(form, "code") ?? "",
      name: formText(form, "name") ?? "",
      approvalsRequired: formText(form, "approvalsRequired") ?? "",
      production: form.get("production") === "on",
    });
    revalidatePath("/admin");
    return { ok: true, message: `Created environment ${env.code}.` };
  } catch (e) {
    return formError(e, "createEnvironmentAction", form);
  }
}

export async function createTokenAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const t = await createToken(actor, {
      userEmail: formText(form, "userEmail") ?? "",
      name: formText(form, "name") || undefined,
      scopes: form.getAll("scopes").filter((v): v is string => typeof v === "string"),
      expiresAt: formText(form, "expiresAt"),
    });
    revalidatePath("/admin");
    return { ok: true, message: `Created token ${t.prefix}…. Copy it now: it is shown once.`, secret: t.token };
  } catch (e) {
    return formError(e, "createTokenAction", form);
  }
}

export async function revokeTokenAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await revokeToken(actor, { id: formText(form, "id") ?? "" });
    revalidatePath("/admin");
    return { ok: true, message: `Revoked token ${r.prefix}….` };
  } catch (e) {
    return formError(e, "revokeTokenAction", form);
  }
}

export async function endUserSessionsAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await endSessionsOfUser(actor, { email: formText(form, "email") ?? "" });
    revalidatePath("/admin");
    return { ok: true, message: `Ended ${r.ended} session(s).` };
  } catch (e) {
    return formError(e, "endUserSessionsAction", form);
  }
}

export async function updateUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await updateUser(actor, {
      user: { id: formText(form, "id") ?? "" },
      name: formText(form, "name"),
      role: formText(form, "role"),
      orgCode: formText(form, "orgCode"),
      partnerRole: formText(form, "partnerRole"),
    });
    revalidatePath("/admin");
    revalidatePath(`/admin/users/${r.id}`);
    if (!r.changed.length) return { ok: true, message: "Nothing to change." };
    const ended = r.sessionsEnded || r.tokensRevoked ? ` Ended ${r.sessionsEnded} session(s) and revoked ${r.tokensRevoked} API token(s).` : "";
    return { ok: true, message: `Updated ${r.email}: ${r.changed.join(", ")}.${ended}` };
  } catch (e) {
    return formError(e, "updateUserAction", form);
  }
}

export async function disableUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await disableUser(actor, { user: { id: formText(form, "id") ?? "" } });
    revalidatePath("/admin");
    revalidatePath(`/admin/users/${r.id}`);
    return { ok: true, message: `Disabled ${r.email}; ended ${r.sessionsEnded} session(s). Their API tokens are refused.` };
  } catch (e) {
    return formError(e, "disableUserAction", form);
  }
}

export async function enableUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await enableUser(actor, { user: { id: formText(form, "id") ?? "" } });
    revalidatePath("/admin");
    revalidatePath(`/admin/users/${r.id}`);
    return { ok: true, message: `Enabled ${r.email}.` };
  } catch (e) {
    return formError(e, "enableUserAction", form);
  }
}

export async function updateOrganisationAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await updateOrganisation(actor, {
      organisation: { id: formText(form, "id") ?? "" },
      legalName: formText(form, "legalName"),
      groupEmail: formText(form, "groupEmail"),
    });
    revalidatePath("/admin");
    revalidatePath(`/admin/organisations/${r.id}`);
    return { ok: true, message: r.changed.length ? `Updated ${r.code}: ${r.changed.join(", ")}.` : "Nothing to change." };
  } catch (e) {
    return formError(e, "updateOrganisationAction", form);
  }
}

export async function disableOrganisationAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await disableOrganisation(actor, { organisation: { id: formText(form, "id") ?? "" } });
    revalidatePath("/admin");
    revalidatePath(`/admin/organisations/${r.id}`);
    return { ok: true, message: `Disabled ${r.code}; ended ${r.sessionsEnded} session(s). Its users' API tokens are refused; its certificates stay.` };
  } catch (e) {
    return formError(e, "disableOrganisationAction", form);
  }
}

export async function enableOrganisationAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await enableOrganisation(actor, { organisation: { id: formText(form, "id") ?? "" } });
    revalidatePath("/admin");
    revalidatePath(`/admin/organisations/${r.id}`);
    return { ok: true, message: `Enabled ${r.code}.` };
  } catch (e) {
    return formError(e, "enableOrganisationAction", form);
  }
}

export async function resetSecondFactorAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await resetSecondFactor(actor, { user: { id: formText(form, "id") ?? "" } });
    revalidatePath(`/admin/users/${r.id}`);
    return { ok: true, message: `Reset the second factor of ${r.email}; ended ${r.sessionsEnded} session(s).` };
  } catch (e) {
    return formError(e, "resetSecondFactorAction", form);
  }
}
